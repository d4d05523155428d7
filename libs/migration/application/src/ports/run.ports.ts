import type { ItemFailureReason, MailboxRef } from './mail.ports';
import type { MailSystem } from '@ferry/migration/domain';

/** Pass kinds: everything, or only what changed since the mapping's last finished pass. */
export type PassKind = 'full' | 'delta';

/** Pass lifecycle; only `running` passes' items are worked on. */
export type PassStatus = 'running' | 'paused' | 'cancelled' | 'completed' | 'failed' | 'scheduled';

/** Deleted-at-source policy of a project. */
export type DeletionPolicy = 'keep' | 'mirror';

/** How a message with several Gmail labels lands on a folder-based target. */
export type ExtraLabelPolicy = 'categories' | 'ignore';

/** Everything a worker needs about one mapping of one pass (read once per work item, cached briefly). */
export interface MappingWork {
  readonly orgId: string;
  readonly projectId: string;
  readonly passId: string;
  readonly mappingId: string;
  readonly passKind: PassKind;
  readonly passStatus: PassStatus;
  readonly source: MailboxRef;
  readonly target: MailboxRef;
  readonly deletionPolicy: DeletionPolicy;
  readonly extraLabels: ExtraLabelPolicy;
  /** The change-feed cursor left by this mapping's last finished pass (null: never finished one). */
  readonly cursor: string | null;
}

/** The outcome of one batch, recorded once per batch id. */
export interface BatchResult {
  readonly passId: string;
  readonly mappingId: string;
  readonly batchId: string;
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly bytes: number;
  readonly failures: readonly ItemFailure[];
}

/** One failed item, for the report: ids and a reason class, never content or addresses. */
export interface ItemFailure {
  readonly sourceId: string;
  readonly reason: ItemFailureReason;
  /** Ferry-written detail (vendor codes at most). */
  readonly detail: string;
}

/** What planning a mailbox found. */
export interface PlanResult {
  readonly passId: string;
  readonly mappingId: string;
  readonly batches: number;
  readonly found: number;
  readonly bytesFound: number;
  /** Items skipped by rule at planning (already copied and unchanged on a full pass re-run). */
  readonly skipped: number;
  /** The cursor to keep once every batch of this mapping's pass is done. */
  readonly nextCursor: string | null;
}

/** The migration service's run state in SQL; implemented in infra. */
export interface RunStore {
  /** The mapping's work for a pass; null when the pass, project or mapping is gone (or of another org). */
  mappingWork(orgId: string, passId: string, mappingId: string): Promise<MappingWork | null>;
  /** Records a finished plan (idempotent: a re-planned mailbox keeps the first record). Returns false if already planned. */
  recordPlan(plan: PlanResult): Promise<boolean>;
  /**
   * Records a batch's result once (false: already recorded) and, when it was the mapping's last batch,
   * finishes the mapping's run (promotes its cursor, stamps its finish time) and, when it was the pass's
   * last mapping, finishes the pass. One transaction.
   */
  recordBatch(result: BatchResult): Promise<boolean>;
  /**
   * Which of these items another pass of this mapping than `passId` recorded as failed: a copy of
   * theirs may have landed before the failure (the worker was killed after the upload), so copying
   * them again verifies the target first.
   */
  failedBefore(passId: string, mappingId: string, sourceIds: readonly string[]): Promise<Set<string>>;
  /** Marks a mapping's run failed for the whole mailbox (e.g. the source mailbox is unreachable for good). */
  failMapping(passId: string, mappingId: string, reason: ItemFailureReason, detail: string): Promise<void>;
  /** Stores folder-path -> target folder id knowledge per mapping (ids only). */
  targetFolders(mappingId: string): Promise<Map<string, string>>;
  saveTargetFolders(mappingId: string, folders: ReadonlyMap<string, string>): Promise<void>;
}

/** The systems a project connects, validated together (mail: Google <-> Microsoft, IMAP -> either). */
export interface ProjectSystems {
  readonly source: MailSystem;
  readonly target: MailSystem;
}
