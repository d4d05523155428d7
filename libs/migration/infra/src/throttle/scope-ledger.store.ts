import type { ScopeLedger } from '@ferry/migration/domain';

/** A scope's ledger as stored, with the revision a compare-and-set must name. */
export interface LedgerEntry {
  /** Null when the stored value is unreadable: it is overwritten by the next write. */
  readonly ledger: ScopeLedger | null;
  readonly revision: number;
}

/**
 * Where every worker's governor keeps the scopes' ledgers: NATS KV in production, memory for a
 * single process. Writes are compare-and-set on the revision, so concurrent workers never lose an
 * update; watches tell a worker at once what others wrote (a Retry-After, freed slots).
 */
export interface ScopeLedgerStore {
  read(key: string): Promise<LedgerEntry | null>;
  /** Writes if the stored revision is still `revision` (null: only if absent); returns the new revision, or null on a conflict. */
  write(key: string, ledger: ScopeLedger, revision: number | null): Promise<number | null>;
  /** Calls `onChange` with every later value of the key (null when it was deleted) until stopped. */
  watch(key: string, onChange: (entry: LedgerEntry | null) => void): Promise<{ stop(): void }>;
}
