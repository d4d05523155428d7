import { type ProgressCounts, type ProgressSample, recordSample } from '@ferry/migration/domain';

/** Passes whose samples are kept; the least recently read are forgotten first. */
const MAX_PASSES = 1000;

/**
 * Recent progress samples of the passes being read (in memory, per replica), so a watched pass's rate
 * reflects the last minutes rather than its whole life. Each replica of the service keeps its own:
 * any of them samples the same counts, so each estimate is sound, just less smooth with more replicas.
 */
export class ProgressSamples {
  private readonly samples = new Map<string, ProgressSample[]>();

  /** Records `counts` of `passId` at `now` and answers the pass's recent samples. */
  record(passId: string, counts: ProgressCounts, now: Date): readonly ProgressSample[] {
    const next = recordSample(this.samples.get(passId) ?? [], counts, now.getTime());
    // Re-inserting moves the pass to the most recently read end.
    this.samples.delete(passId);
    this.samples.set(passId, next);
    if (this.samples.size > MAX_PASSES) this.samples.delete(this.samples.keys().next().value as string);
    return next;
  }

  /** Forgets a pass that has ended. */
  forget(passId: string): void {
    this.samples.delete(passId);
  }
}
