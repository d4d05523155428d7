import type { MappingProgress } from '../ports/project.ports';

/** Items and bytes of one mailbox or a sum of mailboxes. Once done: found = migrated + skipped + failed. */
export type ProgressTotals = Pick<MappingProgress, 'found' | 'migrated' | 'skipped' | 'failed' | 'bytesFound' | 'bytesDone'>;

/** How fast work goes and when it should end. */
export interface ProgressRate {
  readonly itemsPerSecond: number;
  readonly bytesPerSecond: number;
  /** Null while it cannot be estimated (nothing finished yet, or not started). */
  readonly etaSeconds: number | null;
  /** Finished items over found items, 0-1. */
  readonly fractionDone: number;
}

export const ZERO_TOTALS: ProgressTotals = {
  found: 0,
  migrated: 0,
  skipped: 0,
  failed: 0,
  bytesFound: 0,
  bytesDone: 0,
};

/** Sums mailboxes' counts. */
export function sumTotals(rows: readonly ProgressTotals[]): ProgressTotals {
  return rows.reduce<ProgressTotals>(
    (sum, r) => ({
      found: sum.found + r.found,
      migrated: sum.migrated + r.migrated,
      skipped: sum.skipped + r.skipped,
      failed: sum.failed + r.failed,
      bytesFound: sum.bytesFound + r.bytesFound,
      bytesDone: sum.bytesDone + r.bytesDone,
    }),
    ZERO_TOTALS,
  );
}

/** The counts of one mailbox's progress row. */
export function totalsOf(p: MappingProgress): ProgressTotals {
  return {
    found: p.found,
    migrated: p.migrated,
    skipped: p.skipped,
    failed: p.failed,
    bytesFound: p.bytesFound,
    bytesDone: p.bytesDone,
  };
}

/**
 * Average rate since `startedAt` (until `finishedAt`, or `now` while it runs) and the time left at
 * that rate. No start, no time elapsed or nothing finished: no estimate.
 */
export function rateOf(
  t: ProgressTotals,
  startedAt: Date | null,
  finishedAt: Date | null,
  now: Date,
): ProgressRate {
  const finished = t.migrated + t.skipped + t.failed;
  const fractionDone = t.found > 0 ? Math.min(1, finished / t.found) : 0;
  if (!startedAt) return { itemsPerSecond: 0, bytesPerSecond: 0, etaSeconds: null, fractionDone };
  const seconds = ((finishedAt ?? now).getTime() - startedAt.getTime()) / 1000;
  if (seconds <= 0) return { itemsPerSecond: 0, bytesPerSecond: 0, etaSeconds: null, fractionDone };
  const itemsPerSecond = finished / seconds;
  const bytesPerSecond = t.bytesDone / seconds;
  const left = Math.max(0, t.found - finished);
  const etaSeconds = finishedAt ? 0 : itemsPerSecond > 0 ? Math.ceil(left / itemsPerSecond) : null;
  return { itemsPerSecond, bytesPerSecond, etaSeconds, fractionDone };
}
