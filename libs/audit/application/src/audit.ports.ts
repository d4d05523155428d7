import type { AuditEventSummary, AuditQueryFilter, AuditVerifyKeys, ChainHead, ChainRecord, SignedChainHead } from '@ferry/audit/domain';

/** One stored record: the summary plus the event exactly as published (protobuf bytes). */
export interface StoredAuditRecord {
  readonly summary: AuditEventSummary;
  readonly sequence: bigint;
  readonly encoded: Uint8Array;
}

/** An event to append: its checked summary and its protobuf bytes. */
export interface AuditAppend {
  readonly summary: AuditEventSummary;
  readonly encoded: Uint8Array;
}

/** Where an appended event ended up; `duplicate` when its id was stored before (or earlier in the batch). */
export interface AppendOutcome {
  readonly sequence: bigint;
  readonly duplicate: boolean;
}

/** A position in one organisation's chain. */
export interface ChainPosition {
  readonly orgId: string;
  readonly sequence: bigint;
  readonly hash: string;
}

export interface AppendBatchResult {
  /** One per item, in the order given. */
  readonly outcomes: readonly AppendOutcome[];
  /** The new head of every organisation the batch extended. */
  readonly heads: readonly ChainPosition[];
}

/** The append-only audit store, implemented in infra. */
export interface AuditStore {
  /**
   * Appends a batch in one transaction: ids stored before, or repeated within the batch, are not
   * stored again (redeliveries collapse); every other event extends its organisation's chain.
   * All or nothing: on failure nothing of the batch is stored.
   * @throws AuditAppendRejectedError when the batch holds a value the store cannot take (the
   *   batcher then appends its halves apart, so one bad event does not hold back the others).
   */
  appendBatch(items: readonly AuditAppend[]): Promise<AppendBatchResult>;
  /** Records matching `filter` (see matchesAuditFilter), newest first, strictly below `before` when given. */
  page(orgId: string, limit: number, before: bigint | undefined, filter?: AuditQueryFilter): Promise<StoredAuditRecord[]>;
  /** How many records match `filter`, counting no further than `atMost`. */
  countMatching(orgId: string, filter: AuditQueryFilter, atMost: number): Promise<number>;
  /** The records carrying `sessionId`, oldest first, strictly above `after` when given. */
  sessionPage(orgId: string, sessionId: string, limit: number, after: bigint | undefined): Promise<StoredAuditRecord[]>;
}

/** Raised by a store for a batch the database refused for its content, not for its availability. */
export class AuditAppendRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditAppendRejectedError';
  }
}

/** How far one organisation's stored chain reaches. */
export interface ChainExtent {
  /** The head row (absent before the first append). */
  readonly head?: ChainPosition;
  /** The lowest retained record's sequence (absent when no record is retained). */
  readonly first?: bigint;
}

/** The chain as verification, checkpoints and retention read and maintain it. */
export interface AuditChainStore {
  extent(orgId: string): Promise<ChainExtent>;
  /** Records with `after` < sequence <= `to`, ascending, read a page at a time. */
  records(orgId: string, after: bigint, to: bigint | undefined): AsyncIterable<ChainRecord>;
  /** Checkpoints with `after` < sequence <= `to`, ascending, read a page at a time. */
  checkpoints(orgId: string, after: bigint, to: bigint | undefined): AsyncIterable<SignedChainHead>;
  /** The newest checkpoint at or below `sequence`. */
  checkpointAtOrBelow(orgId: string, sequence: bigint): Promise<SignedChainHead | undefined>;
  /** The newest checkpoint signed before `time`. */
  checkpointSignedBefore(orgId: string, time: Date): Promise<SignedChainHead | undefined>;
  /** Stores a checkpoint; one already stored at its sequence is kept. */
  saveCheckpoint(checkpoint: SignedChainHead): Promise<void>;
  /** Heads past their organisation's newest checkpoint, at most `limit`. */
  headsAwaitingCheckpoint(limit: number): Promise<ChainPosition[]>;
  /** Organisations that have a chain. */
  organisations(): Promise<string[]>;
  /**
   * Deletes, in one transaction, the organisation's records at or below the checkpoint's sequence
   * and its older checkpoints; the checkpoint stays as the anchor of what remains. Returns the
   * number of records deleted.
   */
  purgeThrough(checkpoint: SignedChainHead): Promise<number>;
}

/**
 * The copy of each chain's head (and purge floor) kept outside the database, so a truncated tail or
 * a deleted prefix shows even after the last checkpoint. NATS KV in production.
 */
export interface ChainWitness {
  head(orgId: string): Promise<SignedChainHead | undefined>;
  /** Records a newer head; an older one than the witnessed head is ignored. */
  advanceHead(head: SignedChainHead): Promise<void>;
  /** The checkpoint the newest retention purge kept as anchor. */
  floor(orgId: string): Promise<SignedChainHead | undefined>;
  advanceFloor(floor: SignedChainHead): Promise<void>;
}

/** Signs chain heads with the audit signing key, held outside the database. */
export interface ChainSigner {
  sign(head: ChainHead): SignedChainHead;
  /** The public keys verification trusts (the signing key's and any older ones). */
  readonly verifyKeys: AuditVerifyKeys;
}

/** Per-organisation retention of audit records. */
export interface AuditRetentionStore {
  /** Days configured for the organisation, or undefined for the installation default. */
  days(orgId: string): Promise<number | undefined>;
  /** Sets the days; `beforeCommit` runs inside the change's transaction, and its failure undoes it. */
  setDays(orgId: string, days: number, beforeCommit: () => Promise<void>): Promise<void>;
}

/** What the audit service itself records in the trail (retention changes, purges). */
export interface AuditTrailEntry {
  readonly orgId: string;
  readonly actor: { readonly kind: 'account' | 'service'; readonly id: string };
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly sourceAddress?: string;
  readonly userAgent?: string;
  readonly detail?: Readonly<Record<string, string>>;
}

/** Publishes the audit service's own audit events (on the same stream as everyone's). */
export interface AuditTrail {
  record(entry: AuditTrailEntry): Promise<void>;
}

/** Settings of the chain's upkeep. */
export interface AuditChainOptions {
  /** Most events appended in one transaction. */
  readonly maxBatch: number;
  /** A checkpoint once an organisation's chain has grown by this many records. */
  readonly checkpointEvery: number;
  /** Retention of organisations that set none. */
  readonly defaultRetentionDays: number;
}

export const AUDIT_STORE = Symbol('AuditStore');
export const AUDIT_CHAIN_STORE = Symbol('AuditChainStore');
export const CHAIN_WITNESS = Symbol('ChainWitness');
export const CHAIN_SIGNER = Symbol('ChainSigner');
export const AUDIT_RETENTION_STORE = Symbol('AuditRetentionStore');
export const AUDIT_TRAIL = Symbol('AuditTrail');
export const AUDIT_CHAIN_OPTIONS = Symbol('AuditChainOptions');
