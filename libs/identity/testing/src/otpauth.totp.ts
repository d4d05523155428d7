import { Secret, TOTP } from 'otpauth';
import type { Totp } from '@ferry/identity/application';

const PERIOD_S = 30;

/**
 * A Totp with the real RFC 6238 algorithm (otpauth; SHA-1, 6 digits, 30 s, ±1 step), so tests can
 * compute valid codes for any instant with `codeAt`. The QR code is a stand-in SVG.
 */
export class TestTotp implements Totp {
  constructor(private readonly issuer = 'Ferry') {}

  generateSecret(): string {
    return new Secret({ size: 20 }).base32;
  }

  uri(secret: string, label: string): string {
    return this.totp(secret, label).toString();
  }

  async qrSvg(uri: string): Promise<string> {
    return `<svg xmlns="http://www.w3.org/2000/svg" data-length="${uri.length}"></svg>`;
  }

  match(secret: string, code: string, now: Date): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const delta = this.totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
    return delta === null ? null : TestTotp.stepAt(now) + delta;
  }

  /** The valid code for `secret` at `at`. */
  codeAt(secret: string, at: Date): string {
    return this.totp(secret).generate({ timestamp: at.getTime() });
  }

  /** The RFC 6238 time step containing `at`. */
  static stepAt(at: Date): number {
    return Math.floor(at.getTime() / 1000 / PERIOD_S);
  }

  private totp(secret: string, label = 'account'): TOTP {
    return new TOTP({
      issuer: this.issuer,
      label,
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD_S,
      secret: Secret.fromBase32(secret),
    });
  }
}
