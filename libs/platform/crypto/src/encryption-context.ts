import { EncryptionContextError } from './errors';

/**
 * Names what a sealed value belongs to, e.g. `{ org, connector, field }`. It is authenticated but not
 * stored: `open` must be given the same entries (in any order) or it fails.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

/** Limits that keep associated data bounded. */
export const ENCRYPTION_CONTEXT_LIMITS = { maxEntries: 32, maxKeyLength: 64, maxValueBytes: 1024 } as const;

const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
// Domain separation: this encoding is only ever the AAD of a v1 sealed value.
const DOMAIN = Buffer.from('ferry.sealed-value.aad.v1', 'utf8');

/**
 * Canonical, unambiguous bytes for `context`: entries sorted by key, each key and value length-prefixed
 * (u32 big-endian) so no two distinct contexts encode alike. Values are never echoed in errors.
 */
export function encodeEncryptionContext(context: EncryptionContext): Buffer {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new EncryptionContextError('encryption context must be a plain object of string values');
  }
  const keys = Object.keys(context).sort();
  if (keys.length === 0) {
    throw new EncryptionContextError('encryption context must have at least one entry (e.g. org, field)');
  }
  if (keys.length > ENCRYPTION_CONTEXT_LIMITS.maxEntries) {
    throw new EncryptionContextError(
      `encryption context has ${keys.length} entries; the limit is ${ENCRYPTION_CONTEXT_LIMITS.maxEntries}`,
    );
  }
  const parts: Buffer[] = [lengthPrefixed(DOMAIN), u32(keys.length)];
  keys.forEach((key, index) => {
    if (key.length > ENCRYPTION_CONTEXT_LIMITS.maxKeyLength || !KEY_PATTERN.test(key)) {
      throw new EncryptionContextError(
        `encryption context key #${index + 1} is invalid: keys are 1-${ENCRYPTION_CONTEXT_LIMITS.maxKeyLength} characters matching ${KEY_PATTERN.source}`,
      );
    }
    const value: unknown = context[key];
    if (typeof value !== 'string') {
      throw new EncryptionContextError(`encryption context value for '${key}' must be a string`);
    }
    // A lone surrogate would encode as U+FFFD, letting two different strings share one encoding.
    const valueBytes = Buffer.from(value, 'utf8');
    if (valueBytes.toString('utf8') !== value) {
      throw new EncryptionContextError(`encryption context value for '${key}' is not well-formed Unicode`);
    }
    if (valueBytes.length > ENCRYPTION_CONTEXT_LIMITS.maxValueBytes) {
      throw new EncryptionContextError(
        `encryption context value for '${key}' exceeds ${ENCRYPTION_CONTEXT_LIMITS.maxValueBytes} bytes`,
      );
    }
    parts.push(lengthPrefixed(Buffer.from(key, 'utf8')), lengthPrefixed(valueBytes));
  });
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function lengthPrefixed(bytes: Buffer): Buffer {
  return Buffer.concat([u32(bytes.length), bytes]);
}
