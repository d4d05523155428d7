import { AES_GCM } from './aes-gcm';
import { SealedValueFormatError } from './errors';
import type { WrappedKey } from './key-provider';

/** Longest sealed text `SealedValue.parse` accepts by default (room for a 1 MiB plaintext). */
export const SEALED_VALUE_MAX_LENGTH = 1_572_864;

const VERSION = 'v1';
const PART_NAMES = [
  'version',
  'provider',
  'keyId',
  'algorithm',
  'wrappedKey',
  'iv',
  'ciphertext',
  'tag',
] as const;
const PROVIDER_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const ALGORITHM_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
const MAX_KEY_ID_BYTES = 512;
const MAX_WRAPPED_KEY_BYTES = 1024;

/**
 * An envelope-encrypted value: the wrapped data key plus AES-256-GCM IV, ciphertext and tag. Its text
 * form is `v1.<provider>.<keyId>.<algorithm>.<wrappedKey>.<iv>.<ciphertext>.<tag>` (binary parts and the
 * key id in unpadded base64url), compact enough for a text column.
 */
export class SealedValue {
  // Makes the type nominal, so neither a string nor a look-alike object can stand in for a SealedValue.
  private readonly formatVersion = VERSION;

  /** Validates the parts; prefer `EnvelopeCipher.seal` or `SealedValue.parse` to calling this directly. */
  constructor(
    readonly wrappedKey: WrappedKey,
    readonly iv: Buffer,
    readonly ciphertext: Buffer,
    readonly tag: Buffer,
  ) {
    if (!PROVIDER_PATTERN.test(wrappedKey.provider)) {
      throw new SealedValueFormatError(`sealed value provider must match ${PROVIDER_PATTERN.source}`);
    }
    if (!ALGORITHM_PATTERN.test(wrappedKey.algorithm)) {
      throw new SealedValueFormatError(`sealed value algorithm must match ${ALGORITHM_PATTERN.source}`);
    }
    const keyIdBytes = Buffer.byteLength(wrappedKey.keyId, 'utf8');
    if (keyIdBytes === 0 || keyIdBytes > MAX_KEY_ID_BYTES) {
      throw new SealedValueFormatError(`sealed value key id must be 1-${MAX_KEY_ID_BYTES} bytes`);
    }
    if (wrappedKey.bytes.length === 0 || wrappedKey.bytes.length > MAX_WRAPPED_KEY_BYTES) {
      throw new SealedValueFormatError(`sealed value wrapped key must be 1-${MAX_WRAPPED_KEY_BYTES} bytes`);
    }
    if (iv.length !== AES_GCM.ivBytes) {
      throw new SealedValueFormatError(`sealed value iv must be ${AES_GCM.ivBytes} bytes`);
    }
    if (tag.length !== AES_GCM.tagBytes) {
      throw new SealedValueFormatError(`sealed value tag must be ${AES_GCM.tagBytes} bytes`);
    }
  }

  /**
   * Parses and strictly validates sealed text: version, part count, alphabet, canonical base64url,
   * part sizes and an overall length limit. Error messages never echo the text.
   */
  static parse(text: string, options: { maxLength?: number } = {}): SealedValue {
    const maxLength = options.maxLength ?? SEALED_VALUE_MAX_LENGTH;
    if (typeof text !== 'string') {
      throw new SealedValueFormatError('sealed value must be a string');
    }
    if (text.length > maxLength) {
      throw new SealedValueFormatError(
        `sealed value is ${text.length} characters long; the limit is ${maxLength}`,
      );
    }
    const parts = text.split('.');
    if (parts[0] !== VERSION) {
      throw new SealedValueFormatError(`sealed value has an unknown format version (expected '${VERSION}')`);
    }
    if (parts.length !== PART_NAMES.length) {
      throw new SealedValueFormatError(
        `sealed value must have ${PART_NAMES.length} dot-separated parts, found ${parts.length}`,
      );
    }
    const [, provider, keyId, algorithm, wrappedKey, iv, ciphertext, tag] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const keyIdBytes = decodePart('keyId', keyId);
    const keyIdText = keyIdBytes.toString('utf8');
    if (Buffer.from(keyIdText, 'utf8').compare(keyIdBytes) !== 0) {
      throw new SealedValueFormatError('sealed value part keyId is not valid UTF-8');
    }
    return new SealedValue(
      { provider, keyId: keyIdText, algorithm, bytes: decodePart('wrappedKey', wrappedKey) },
      decodePart('iv', iv),
      decodePart('ciphertext', ciphertext, true),
      decodePart('tag', tag),
    );
  }

  /** The compact text form; `SealedValue.parse(v.toString())` gives back an equal value. */
  toString(): string {
    return [
      this.formatVersion,
      this.wrappedKey.provider,
      Buffer.from(this.wrappedKey.keyId, 'utf8').toString('base64url'),
      this.wrappedKey.algorithm,
      this.wrappedKey.bytes.toString('base64url'),
      this.iv.toString('base64url'),
      this.ciphertext.toString('base64url'),
      this.tag.toString('base64url'),
    ].join('.');
  }

  /** Serialises as the compact text form, so accidental JSON output stays opaque. */
  toJSON(): string {
    return this.toString();
  }
}

function decodePart(name: (typeof PART_NAMES)[number], text: string, mayBeEmpty = false): Buffer {
  if (!mayBeEmpty && text.length === 0) {
    throw new SealedValueFormatError(`sealed value part ${name} is empty`);
  }
  if (!BASE64URL_PATTERN.test(text)) {
    throw new SealedValueFormatError(`sealed value part ${name} is not base64url`);
  }
  const bytes = Buffer.from(text, 'base64url');
  // Rejects non-canonical encodings (stray trailing bits, impossible lengths) so one value has one text.
  if (bytes.toString('base64url') !== text) {
    throw new SealedValueFormatError(`sealed value part ${name} is not canonical base64url`);
  }
  return bytes;
}
