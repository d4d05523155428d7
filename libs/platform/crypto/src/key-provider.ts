/**
 * A data key wrapped (encrypted) by a key-encryption key. `keyId` names the exact KEK (and version) that
 * wrapped it, so a provider can unwrap old values after rotation.
 */
export interface WrappedKey {
  /** `KeyProvider.kind` of the provider that wrapped the key. */
  readonly provider: string;
  /** Identifier of the exact key-encryption key used (for Azure, the versioned key URL). */
  readonly keyId: string;
  /** Wrapping algorithm, as the provider names it (e.g. `A256GCM`, `RSA-OAEP-256`). */
  readonly algorithm: string;
  /** The wrapped data key. */
  readonly bytes: Buffer;
}

/**
 * Holds key-encryption keys (KEKs) and wraps/unwraps data keys with them. Implementations never expose
 * a KEK; errors they throw are `CryptoError`s with no key material in their messages.
 */
export interface KeyProvider {
  /** Stable provider name recorded in every `WrappedKey` (e.g. `local`, `azure-keyvault`). */
  readonly kind: string;
  /** Wraps `dataKey` with the provider's active key. The caller keeps ownership of `dataKey`. */
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  /** Unwraps with the key named by `wrapped.keyId`, which need not be the active one. */
  unwrap(wrapped: WrappedKey): Promise<Buffer>;
  /** Identifier of the key new wraps use. */
  activeKeyId(): string;
}
