import type { MappingProgress } from '@ferry/migration/application';
import type { MailboxRunEntity } from './mailbox-run.entity';
import { dateOrNull } from './project.mapper';

/** What a mapping's recorded batches add up to (SUMs come back as strings from PostgreSQL's bigint). */
export interface BatchSums {
  readonly migrated: number | string | null;
  readonly skipped: number | string | null;
  readonly failed: number | string | null;
  readonly bytes: number | string | null;
}

const NO_BATCHES: BatchSums = { migrated: 0, skipped: 0, failed: 0, bytes: 0 };

/**
 * A mapping's progress: found and skipped-at-plan from its run, the rest summed from its batches, so
 * that once done found = migrated + skipped + failed.
 */
export function toProgress(run: MailboxRunEntity, sums: BatchSums = NO_BATCHES): MappingProgress {
  return {
    mappingId: run.mappingId,
    status: run.status,
    found: Number(run.found),
    migrated: Number(sums.migrated ?? 0),
    skipped: Number(run.skippedAtPlan) + Number(sums.skipped ?? 0),
    failed: Number(sums.failed ?? 0),
    bytesFound: Number(run.bytesFound),
    bytesDone: Number(sums.bytes ?? 0),
    startedAt: dateOrNull(run.startedAt),
    finishedAt: dateOrNull(run.finishedAt),
  };
}
