import type { JWK } from 'jose';

/** A signing key as the signer uses it: the private JWK is in clear only in memory. */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** 1 for the first key, +1 per rotation; unique, which settles concurrent rotations. */
  readonly generation: number;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  /**
   * When the key starts signing. Every key but the first is stored (and so published) ahead of
   * this moment, so verifiers have it cached before it signs anything.
   */
  readonly activatedAt: Date;
}

/** Where the signer keeps its keys (shared by every identity replica). */
export interface SigningKeyStore {
  /**
   * Up to `count` keys of the highest generations, highest first: a pre-published next key (if
   * any), then the current one.
   */
  newest(count: number): Promise<SigningKeyRecord[]>;
  /**
   * Inserts `key` (generation = latest + 1, created at `now`) and sets every older key not retired
   * yet to retire at `key.activatedAt`, when the new key takes over, atomically.
   * Returns false, changing nothing, when another replica already inserted that generation.
   */
  insertNext(key: SigningKeyRecord, now: Date): Promise<boolean>;
  /**
   * Public keys, highest generation first, of every key not retired (the current one and a
   * pre-published next one; a retirement set for a future moment has not happened yet) and of
   * keys retired after `retiredAfter`.
   */
  published(retiredAfter: Date): Promise<{ kid: string; publicJwk: JWK }[]>;
  /** Deletes keys retired before `cutoff`; returns how many. */
  deleteRetiredBefore(cutoff: Date): Promise<number>;
}
