import { createHash, createHmac } from 'node:crypto';
import type { KeyedHasher } from '@ferry/identity/application';

const MIN_KEY_BYTES = 32;

/** Pseudonyms as HMAC-SHA-256 under the installation's pseudonym key; token lookups as SHA-256. */
export class HmacKeyedHasher implements KeyedHasher {
  private readonly key: Buffer;

  /** @param pseudonymKey at least 32 bytes (FERRY_PSEUDONYM_KEY, decoded). */
  constructor(pseudonymKey: Buffer) {
    if (pseudonymKey.length < MIN_KEY_BYTES)
      throw new Error(`pseudonym key must be at least ${MIN_KEY_BYTES} bytes`);
    this.key = Buffer.from(pseudonymKey);
  }

  pseudonym(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }

  // Tokens carry 50 to 256 bits of entropy and are throttled, so an unkeyed hash suffices.
  tokenHash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }

  /** Keeps the key out of JSON. */
  toJSON(): string {
    return 'HmacKeyedHasher';
  }

  /** Keeps the key out of `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'HmacKeyedHasher';
  }
}
