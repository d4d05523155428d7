import { createHmac, type KeyObject } from 'node:crypto';
import { CryptoError } from './errors';

/** Minimum fingerprint key size. */
export const FINGERPRINT_KEY_MIN_BYTES = 32;

// Domain separation, so a fingerprint key shared with another HMAC use cannot produce colliding outputs.
const LABEL = Buffer.from('ferry.secret-fingerprint.v1\0', 'utf8');

/**
 * A short (16 hex characters, 64 bits) identifier of `secret`, for showing an operator which secret is
 * stored, or whether it changed, without revealing it. HMAC-SHA256 under a dedicated key rather than a
 * plain hash: credentials can be low-entropy, and an unkeyed hash could be brute-forced offline.
 * `key` must be at least 32 bytes and must not be a key-encryption key.
 */
export function fingerprint(secret: Buffer | string, key: Buffer | KeyObject): string {
  const size = Buffer.isBuffer(key) ? key.length : key.type === 'secret' ? (key.symmetricKeySize ?? 0) : 0;
  if (size < FINGERPRINT_KEY_MIN_BYTES) {
    throw new CryptoError(`fingerprint key must be a secret of at least ${FINGERPRINT_KEY_MIN_BYTES} bytes`);
  }
  return createHmac('sha256', key).update(LABEL).update(secret).digest('hex').slice(0, 16);
}
