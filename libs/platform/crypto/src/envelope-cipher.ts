import { randomBytes } from 'node:crypto';
import { AES_GCM, gcmDecrypt, gcmEncrypt } from './aes-gcm';
import { type EncryptionContext, encodeEncryptionContext } from './encryption-context';
import { CryptoError, DecryptionError, KeyProviderError } from './errors';
import type { KeyProvider } from './key-provider';
import { SealedValue } from './sealed-value';

/** Largest plaintext `seal` accepts: far above any credential, and its sealed text fits the parse limit. */
export const MAX_PLAINTEXT_BYTES = 1024 * 1024;

/**
 * Envelope encryption: every `seal` draws a fresh 256-bit data key, encrypts with AES-256-GCM bound to the
 * encryption context, and stores the data key wrapped by the provider's key-encryption key.
 */
export class EnvelopeCipher {
  constructor(private readonly keys: KeyProvider) {}

  /** Encrypts `plaintext` (strings as UTF-8) for `context`. */
  async seal(plaintext: Buffer | string, context: EncryptionContext): Promise<SealedValue> {
    const aad = encodeEncryptionContext(context);
    const input = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    if (!Buffer.isBuffer(input)) {
      throw new CryptoError('plaintext must be a Buffer or a string');
    }
    if (input.length > MAX_PLAINTEXT_BYTES) {
      throw new CryptoError(`plaintext is ${input.length} bytes; the limit is ${MAX_PLAINTEXT_BYTES}`);
    }
    const dataKey = randomBytes(AES_GCM.keyBytes);
    try {
      const sealed = gcmEncrypt(dataKey, input, aad);
      const wrapped = await guardProvider(() => this.keys.wrap(dataKey));
      return new SealedValue(wrapped, sealed.iv, sealed.ciphertext, sealed.tag);
    } finally {
      dataKey.fill(0);
      if (input !== plaintext) input.fill(0);
    }
  }

  /**
   * Decrypts a value sealed for the same `context`. Throws `DecryptionError` when the context, any byte
   * or the key-encryption key is wrong, and `KeyProviderError` when the provider cannot be reached.
   */
  async open(sealed: SealedValue, context: EncryptionContext): Promise<Buffer> {
    if (!(sealed instanceof SealedValue)) {
      throw new CryptoError('open expects a SealedValue; use SealedValue.parse for stored text');
    }
    const aad = encodeEncryptionContext(context);
    if (sealed.wrappedKey.provider !== this.keys.kind) {
      throw new DecryptionError(
        'wrong-provider',
        `it was wrapped by key provider '${sealed.wrappedKey.provider}', this cipher uses '${this.keys.kind}'`,
      );
    }
    const dataKey = await guardProvider(() => this.keys.unwrap(sealed.wrappedKey));
    try {
      if (dataKey.length !== AES_GCM.keyBytes) {
        throw new DecryptionError('key-unwrap-failed', 'the unwrapped data key has the wrong length');
      }
      const plaintext = gcmDecrypt(dataKey, sealed, aad);
      if (!plaintext) {
        throw new DecryptionError(
          'authentication-failed',
          'wrong encryption context, altered data, or a different key-encryption key',
        );
      }
      return plaintext;
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Re-wraps the data key of `sealed` with the active key of `target` (default: this cipher's provider),
   * keeping IV, ciphertext and tag byte for byte: the payload is never decrypted, so no encryption context
   * is needed. The data key is unwrapped by this cipher's provider, or by `target` when only its kind
   * matches (a value already moved to the target provider, under an older key of it). Throws
   * `DecryptionError` when no provider can unwrap it and `KeyProviderError` when a provider fails.
   * The payload's tag is not checked here: `open` still authenticates it with the context.
   */
  async rewrap(sealed: SealedValue, target: KeyProvider = this.keys): Promise<SealedValue> {
    if (!(sealed instanceof SealedValue)) {
      throw new CryptoError('rewrap expects a SealedValue; use SealedValue.parse for stored text');
    }
    const unwrapper = this.unwrapperOf(sealed, target);
    const dataKey = await guardProvider(() => unwrapper.unwrap(sealed.wrappedKey));
    try {
      if (dataKey.length !== AES_GCM.keyBytes) {
        throw new DecryptionError('key-unwrap-failed', 'the unwrapped data key has the wrong length');
      }
      const wrapped = await guardProvider(() => target.wrap(dataKey));
      return new SealedValue(wrapped, sealed.iv, sealed.ciphertext, sealed.tag);
    } finally {
      dataKey.fill(0);
    }
  }

  /** The provider kind and key id `seal` wraps new data keys with now. */
  activeKey(): { readonly provider: string; readonly keyId: string } {
    return { provider: this.keys.kind, keyId: this.keys.activeKeyId() };
  }

  private unwrapperOf(sealed: SealedValue, target: KeyProvider): KeyProvider {
    const kind = sealed.wrappedKey.provider;
    if (kind === this.keys.kind) return this.keys;
    if (kind === target.kind) return target;
    throw new DecryptionError(
      'wrong-provider',
      `it was wrapped by key provider '${kind}', neither '${this.keys.kind}' nor the target '${target.kind}'`,
    );
  }
}

// A third-party provider's own error could carry anything; only our errors pass through verbatim.
async function guardProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error: unknown) {
    if (error instanceof CryptoError) throw error;
    const name = error instanceof Error ? error.name : typeof error;
    throw new KeyProviderError('unexpected', `key provider failed with ${name}`);
  }
}
