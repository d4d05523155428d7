import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Pre-authenticated URLs (download URLs, upload session URLs) carry a `tempauth` token, as
 * SharePoint's do: here an HMAC over the payload with a key that lives as long as the sandbox.
 */
export class UrlSigner {
  private readonly key = randomBytes(32);

  sign(payload: Readonly<Record<string, string | number>>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The payload when the token is intact, otherwise undefined. */
  verify(token: string | null): Record<string, unknown> | undefined {
    if (!token) return undefined;
    const [body = '', mac = ''] = token.split('.');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
