/**
 * Base class of every error this library throws. Messages are written for operators and never contain
 * key material, plaintext, encryption-context values, tokens or the text of a sealed value.
 */
export class CryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Why a sealed value could not be opened. */
export type DecryptionFailure =
  'authentication-failed' | 'wrong-provider' | 'unknown-key' | 'key-unwrap-failed';

/**
 * A sealed value could not be opened: wrong encryption context, altered bytes, or a key-encryption key
 * that is not the one it was sealed with. Retrying cannot help.
 */
export class DecryptionError extends CryptoError {
  constructor(
    readonly reason: DecryptionFailure,
    detail: string,
  ) {
    super(`sealed value could not be opened (${reason}): ${detail}`);
  }
}

/** Why a key provider could not do its work. */
export type KeyProviderFailure =
  | 'access-denied'
  | 'authentication'
  | 'not-found'
  | 'unavailable'
  | 'rejected'
  | 'misconfigured'
  | 'invalid-response'
  | 'unexpected';

/**
 * The key-encryption-key provider failed for an operational reason (permissions, network, configuration).
 * `unavailable` is worth retrying; the others need an operator.
 */
export class KeyProviderError extends CryptoError {
  constructor(
    readonly reason: KeyProviderFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The local keyring file is missing, unsafe (permissions) or malformed. */
export class KeyringError extends CryptoError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Text offered to `SealedValue.parse` is not a well-formed sealed value. */
export class SealedValueFormatError extends CryptoError {}

/** An encryption context is empty, too large, or holds something other than well-formed strings. */
export class EncryptionContextError extends CryptoError {}
