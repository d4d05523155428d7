import {
  isComplete,
  processedOf,
  type ProgressCounts,
  progressEta,
  progressPercent,
  progressRate,
  type ProgressSample,
  type RateOptions,
} from '@ferry/migration/domain';
import type { MappingProgress } from '../ports/project.ports';

/** Items and bytes of one mailbox or a sum of mailboxes. Once done: found = migrated + skipped + failed. */
export type ProgressTotals = ProgressCounts;

/** What an operator sees besides the counts: share done, rates and the time left. */
export interface ProgressFigures {
  /** Processed over found, 0-100 with one decimal (never 100 before complete); null while nothing is known. */
  readonly percent: number | null;
  readonly itemsPerSecond: number | null;
  readonly bytesPerSecond: number | null;
  /** Null while it cannot be estimated (planning goes on, nothing moves). */
  readonly etaSeconds: number | null;
  readonly complete: boolean;
}

/** Every sample counts fully, however old: the average since the start. */
const SINCE_START: RateOptions = { halfLifeMs: Number.POSITIVE_INFINITY, windowMs: Number.POSITIVE_INFINITY };

/** Whether a mailbox's planning is over (its total is known). */
export function planned(p: Pick<MappingProgress, 'status'>): boolean {
  return p.status !== 'pending' && p.status !== 'planning';
}

/**
 * The figures of counts (the domain's progress arithmetic): the rate over `recent` samples when they
 * give one (a watched, running pass), else the average since `startedAt` (until `finishedAt`).
 */
export function figuresOf(
  counts: ProgressCounts,
  planningDone: boolean,
  startedAt: Date | null,
  finishedAt: Date | null,
  now: Date,
  recent: readonly ProgressSample[] = [],
): ProgressFigures {
  const end = (finishedAt ?? now).getTime();
  const start = startedAt?.getTime() ?? end;
  const sinceStart =
    end > start
      ? progressRate(
          [
            { at: start, items: 0, bytes: 0 },
            { at: end, items: processedOf(counts), bytes: counts.bytesDone },
          ],
          end,
          SINCE_START,
        )
      : null;
  const rate = (finishedAt ? null : progressRate(recent, now.getTime())) ?? sinceStart;
  const eta = progressEta(counts, rate, planningDone);
  return {
    percent: progressPercent(counts, planningDone),
    itemsPerSecond: rate?.itemsPerSecond ?? null,
    bytesPerSecond: rate?.bytesPerSecond ?? null,
    etaSeconds: eta === null ? null : Math.ceil(eta / 1000),
    complete: isComplete(counts, planningDone),
  };
}
