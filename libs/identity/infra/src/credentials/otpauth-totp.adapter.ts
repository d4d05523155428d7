import type { Totp } from '@ferry/identity/application';
import { Secret, TOTP } from 'otpauth';
import { toString as qrToString } from 'qrcode';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
const WINDOW = 1;
/** 160 bits, the HMAC-SHA-1 block the RFC 4226 reference secret has. */
const SECRET_BYTES = 20;
const CODE = /^\d{6}$/;

/** RFC 6238 TOTP over `otpauth`: SHA-1, 6 digits, 30 s, ±1 step; QR codes as SVG via `qrcode`. */
export class OtpauthTotp implements Totp {
  /** @param issuer the installation's name, shown by authenticator apps. */
  constructor(private readonly issuer: string) {
    if (issuer.trim() === '' || issuer.includes(':'))
      throw new Error('TOTP issuer must be non-empty and contain no colon');
  }

  /** A random base32 secret. */
  generateSecret(): string {
    return new Secret({ size: SECRET_BYTES }).base32;
  }

  uri(secret: string, label: string): string {
    return this.totp(secret, label).toString();
  }

  async qrSvg(uri: string): Promise<string> {
    return qrToString(uri, { type: 'svg' });
  }

  /** The absolute time step (floor(epoch s / 30) + delta) the code matches, or null. */
  match(secret: string, code: string, now: Date): number | null {
    if (!CODE.test(code)) return null;
    const delta = this.totp(secret, 'match').validate({
      token: code,
      timestamp: now.getTime(),
      window: WINDOW,
    });
    return delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
  }

  private totp(secret: string, label: string): TOTP {
    return new TOTP({
      issuer: this.issuer,
      label,
      algorithm: ALGORITHM,
      digits: DIGITS,
      period: PERIOD_SECONDS,
      secret: Secret.fromBase32(secret),
    });
  }
}
