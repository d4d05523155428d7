import { createHmac } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Bytes of key material an HMAC-SHA256 pseudonym key must have. */
export const MIN_PSEUDONYM_KEY_BYTES = 32;

/**
 * Address-shaped substrings: `local@domain.tld`, also percent-encoded (`%40`) as in query strings.
 * Lengths are bounded so matching stays linear on long text without an `@`.
 */
const ADDRESS =
  /[A-Za-z0-9._%+-]{1,64}(?:@|%40)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,63}(?![A-Za-z0-9-])/gi;

/**
 * Replaces mail addresses with stable pseudonyms: keyed HMAC-SHA256 over the trimmed, lower-cased
 * address, shown as `u_` + 20 base32 characters (100 bits). The same address always gives the same
 * token under one key, so logs and traces stay correlatable; without the key it cannot be reversed
 * or confirmed by guessing (DESIGN invariant 4).
 */
export class Pseudonymizer {
  private readonly key: Buffer;

  /** @param key at least {@link MIN_PSEUDONYM_KEY_BYTES} bytes of secret key material. */
  constructor(key: Uint8Array) {
    if (key.length < MIN_PSEUDONYM_KEY_BYTES) {
      throw new Error(`pseudonym key must be at least ${MIN_PSEUDONYM_KEY_BYTES} bytes`);
    }
    this.key = Buffer.from(key);
  }

  /** From the base64 (or base64url) form `FERRY_PSEUDONYM_KEY` holds. */
  static fromBase64(key: string): Pseudonymizer {
    const trimmed = key.trim();
    return new Pseudonymizer(Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64'));
  }

  /** The pseudonym of one address (case and surrounding whitespace do not matter). */
  pseudonym(address: string): string {
    const digest = createHmac('sha256', this.key).update(address.trim().toLowerCase(), 'utf8').digest();
    return `u_${base32(digest).slice(0, 20)}`;
  }

  /** `text` with every address-shaped substring replaced by its pseudonym. */
  pseudonymizeText(text: string): string {
    if (!text.includes('@') && !/%40/i.test(text)) return text;
    return text.replace(ADDRESS, (match) => this.pseudonym(decodeAddress(match)));
  }

  /** Keeps the key out of `util.inspect`, `console.log` and JSON. */
  toJSON(): string {
    return 'Pseudonymizer';
  }

  /** Keeps the key out of `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Pseudonymizer';
  }
}

// An address seen percent-encoded in a URL gets the same pseudonym as its plain form.
function decodeAddress(match: string): string {
  try {
    return decodeURIComponent(match);
  } catch {
    return match.replace(/%40/gi, '@');
  }
}

function base32(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}
