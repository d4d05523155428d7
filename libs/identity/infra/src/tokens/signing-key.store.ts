import type { JWK } from 'jose';

/** A signing key as the signer uses it: the private JWK is in clear only in memory. */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** 1 for the first key, +1 per rotation; unique, which settles concurrent rotations. */
  readonly generation: number;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly activatedAt: Date;
}

/** Where the signer keeps its keys (shared by every identity replica). */
export interface SigningKeyStore {
  /** The key of the highest generation, or null before the first key. */
  latest(): Promise<SigningKeyRecord | null>;
  /**
   * Inserts `key` (generation = latest + 1) and retires every older key at `now`, atomically.
   * Returns false, changing nothing, when another replica already inserted that generation.
   */
  insertNext(key: SigningKeyRecord, now: Date): Promise<boolean>;
  /** Public keys of the current key and of keys retired after `retiredAfter`. */
  published(retiredAfter: Date): Promise<{ kid: string; publicJwk: JWK }[]>;
  /** Deletes keys retired before `cutoff`; returns how many. */
  deleteRetiredBefore(cutoff: Date): Promise<number>;
}
