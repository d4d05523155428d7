import type { SourceItemSummary } from '@ferry/migration/domain';
import type { CheckpointLimits } from './reference-checkpoint';

/** What a planning step reads (mirrors `ferry.migration.v1.PlanPhase`). */
export type PlanPhase = 'enumerate' | 'changes' | 'sweep';

/** Totals carried from one planning step to the next. */
export interface PlanTotals {
  readonly batches: number;
  readonly found: number;
  readonly bytesFound: number;
  readonly skipped: number;
}

export const NO_TOTALS: PlanTotals = { batches: 0, found: 0, bytesFound: 0, skipped: 0 };

/** One planning step of one mailbox of a pass (a `PlanMailbox` work item). */
export interface PlanStep {
  readonly step: number;
  readonly phase: PlanPhase;
  readonly pageToken: string;
  readonly nextCursor: string;
  readonly totals: PlanTotals;
  readonly replayed: boolean;
  readonly sweepAfter: string;
}

export type EntryAction = 'copy' | 'update' | 'delete';

/** One item of a copy batch: the planner's summary of it (ids, state, stamps; nothing of the content). */
export interface BatchEntry {
  readonly action: EntryAction;
  readonly item: SourceItemSummary;
}

/** A copy batch (a `CopyBatch` work item). */
export interface CopyBatch {
  readonly batchId: string;
  readonly entries: readonly BatchEntry[];
  readonly verifyTarget: boolean;
}

/** Which mailbox of which pass a work item concerns. */
export interface WorkAddress {
  readonly orgId: string;
  readonly projectId: string;
  readonly passId: string;
  readonly mappingId: string;
}

/** Publishes the work a planning step produces (infra: JetStream, deduplicated by the ids given). */
export interface WorkPublisher {
  /** Publishes a copy batch; a repeat of the same batch id within the duplicate window is dropped. */
  batch(address: WorkAddress, batch: CopyBatch): Promise<void>;
  /** Publishes the next planning step; a repeat of the same step number is dropped. */
  step(address: WorkAddress, step: PlanStep): Promise<void>;
}

/** How a work item's delivery stands, from the queue. */
export interface Delivery {
  /** 1 on the first delivery. */
  readonly count: number;
  /** True on the last delivery the queue will make: record failures instead of failing again. */
  readonly last: boolean;
  readonly signal: AbortSignal;
}

/** Limits of planning and copying, from configuration. */
export interface WorkLimits {
  /** Items per copy batch. */
  readonly batchItems: number;
  /** Bytes (as the source reports sizes) per copy batch; one larger item makes a batch of its own. */
  readonly batchBytes: number;
  /** Items of one batch copied at once by one worker. */
  readonly itemConcurrency: number;
  /** How often a batch writes the references of items it finished (default DEFAULT_CHECKPOINT). */
  readonly checkpoint?: CheckpointLimits;
}

export const DEFAULT_WORK_LIMITS: WorkLimits = { batchItems: 50, batchBytes: 64 * 1024 * 1024, itemConcurrency: 4 };
