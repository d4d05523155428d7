import type { KeyObject, webcrypto } from 'node:crypto';

/** A public key an access token's signature is checked with. */
export type VerificationKey = webcrypto.CryptoKey | KeyObject;

/** Where the verifier finds the public key a token's `kid` names. */
export interface JwksSource {
  /**
   * The ES256 public key with this key id, or null when there is none.
   * @throws KeySourceUnavailableError when the keys cannot be obtained at all.
   */
  getKey(kid: string): Promise<VerificationKey | null>;
}

/** A fixed set of keys held in process (tests, and tools that are handed the keys directly). */
export class StaticJwksSource implements JwksSource {
  private readonly keys: ReadonlyMap<string, VerificationKey>;

  constructor(keys: ReadonlyMap<string, VerificationKey> | Record<string, VerificationKey>) {
    this.keys = keys instanceof Map ? new Map(keys) : new Map(Object.entries(keys));
  }

  async getKey(kid: string): Promise<VerificationKey | null> {
    return this.keys.get(kid) ?? null;
  }
}
