/** One mailbox's counts in a pass (the run store's progress row satisfies it). */
export interface ProgressCounts {
  readonly found: number;
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly bytesFound: number;
  readonly bytesDone: number;
}

/** A point on the progress curve: items processed (migrated + skipped + failed) and bytes done so far, at `at` (epoch ms). */
export interface ProgressSample {
  readonly at: number;
  readonly items: number;
  readonly bytes: number;
}

/** Throughput, per second. */
export interface ProgressRate {
  readonly itemsPerSecond: number;
  readonly bytesPerSecond: number;
}

/** How rates are averaged. */
export interface RateOptions {
  /** A sample this much older than another counts half as much. */
  readonly halfLifeMs: number;
  /** Samples older than this are forgotten. */
  readonly windowMs: number;
}

export const DEFAULT_RATE_OPTIONS: RateOptions = { halfLifeMs: 60_000, windowMs: 10 * 60_000 };

/** What an operator sees for a mailbox or a project. */
export interface ProgressSummary extends ProgressCounts {
  readonly processed: number;
  /** Items processed over items found, 0-100 with one decimal; never 100 before complete; null while nothing is known. */
  readonly percent: number | null;
  readonly itemsPerSecond: number | null;
  readonly bytesPerSecond: number | null;
  /** Milliseconds to completion; null while the total is unknown (planning) or nothing moves. */
  readonly etaMs: number | null;
  readonly complete: boolean;
}

const ZERO: ProgressCounts = { found: 0, migrated: 0, skipped: 0, failed: 0, bytesFound: 0, bytesDone: 0 };

/** The counts of several mailboxes added up. */
export function sumProgress(counts: Iterable<ProgressCounts>): ProgressCounts {
  let total = ZERO;
  for (const c of counts) {
    total = {
      found: total.found + c.found,
      migrated: total.migrated + c.migrated,
      skipped: total.skipped + c.skipped,
      failed: total.failed + c.failed,
      bytesFound: total.bytesFound + c.bytesFound,
      bytesDone: total.bytesDone + c.bytesDone,
    };
  }
  return total;
}

/** Items dealt with one way or another. */
export function processedOf(c: ProgressCounts): number {
  return c.migrated + c.skipped + c.failed;
}

/** Done when planning has found everything there is and every item found was migrated, skipped or failed. */
export function isComplete(c: ProgressCounts, planningDone: boolean): boolean {
  return planningDone && processedOf(c) === c.found;
}

/** See `ProgressSummary.percent`. While planning, the share of what was found so far (it can go down). */
export function progressPercent(c: ProgressCounts, planningDone: boolean): number | null {
  if (isComplete(c, planningDone)) return 100;
  if (c.found === 0) return planningDone ? 100 : null;
  const share = Math.floor((Math.min(processedOf(c), c.found) / c.found) * 1000) / 10;
  return Math.min(share, 99.9);
}

/**
 * Throughput over the recent past: per-interval rates between consecutive samples, averaged with
 * weights halving every `halfLifeMs` of age (a time-weighted exponential mean, so uneven sampling does
 * not skew it). A silence since the last sample longer than the usual gap between samples counts as
 * no progress, so a stalled pass's rate decays instead of freezing. Null with fewer than two samples
 * in the window; an interval whose counts go down (a reset) is left out.
 */
export function progressRate(
  samples: readonly ProgressSample[],
  now: number,
  options: RateOptions = DEFAULT_RATE_OPTIONS,
): ProgressRate | null {
  const recent = samples.filter((s) => s.at <= now && now - s.at <= options.windowMs);
  let items = 0;
  let bytes = 0;
  let time = 0;
  let intervals = 0;
  for (let i = 1; i < recent.length; i++) {
    const [a, b] = [recent[i - 1], recent[i]];
    if (!a || !b || b.at <= a.at || b.items < a.items || b.bytes < a.bytes) continue;
    const weight = 2 ** (-(now - b.at) / options.halfLifeMs);
    items += weight * (b.items - a.items);
    bytes += weight * (b.bytes - a.bytes);
    time += weight * (b.at - a.at);
    intervals++;
  }
  const first = recent[0];
  const last = recent[recent.length - 1];
  if (intervals === 0 || !first || !last) return null;
  const usualGap = (last.at - first.at) / (recent.length - 1);
  time += Math.max(0, now - last.at - usualGap);
  return { itemsPerSecond: (items / time) * 1000, bytesPerSecond: (bytes / time) * 1000 };
}

/**
 * Milliseconds until every item found is processed at the current item rate: 0 once complete, null
 * while planning (the total is not known) or when nothing moves. Items, not bytes: the counts carry no
 * bytes for skipped or failed items, so the bytes still to go cannot be known.
 */
export function progressEta(
  c: ProgressCounts,
  rate: ProgressRate | null,
  planningDone: boolean,
): number | null {
  if (isComplete(c, planningDone)) return 0;
  if (!planningDone || !rate || rate.itemsPerSecond <= 0) return null;
  return Math.ceil((Math.max(0, c.found - processedOf(c)) / rate.itemsPerSecond) * 1000);
}

/** Totals, percent, rates and ETA of one mailbox or a whole project (several mailboxes' counts). */
export function summariseProgress(input: {
  readonly counts: Iterable<ProgressCounts>;
  readonly planningDone: boolean;
  readonly samples: readonly ProgressSample[];
  readonly now: number;
  readonly options?: RateOptions;
}): ProgressSummary {
  const total = sumProgress(input.counts);
  const rate = progressRate(input.samples, input.now, input.options);
  return {
    ...total,
    processed: processedOf(total),
    percent: progressPercent(total, input.planningDone),
    itemsPerSecond: rate?.itemsPerSecond ?? null,
    bytesPerSecond: rate?.bytesPerSecond ?? null,
    etaMs: progressEta(total, rate, input.planningDone),
    complete: isComplete(total, input.planningDone),
  };
}

/**
 * `samples` with `counts` at `now` appended, samples outside the window dropped and at most `max`
 * kept (the oldest go first), so a long pass's sample list stays small. A sample at or before the
 * last one replaces nothing and is ignored (clocks of several replicas can disagree).
 */
export function recordSample(
  samples: readonly ProgressSample[],
  counts: ProgressCounts,
  now: number,
  options: RateOptions = DEFAULT_RATE_OPTIONS,
  max = 120,
): ProgressSample[] {
  const last = samples[samples.length - 1];
  const kept = samples.filter((s) => now - s.at <= options.windowMs);
  if (last && now <= last.at) return kept.slice(-max);
  return [...kept, { at: now, items: processedOf(counts), bytes: counts.bytesDone }].slice(-max);
}
