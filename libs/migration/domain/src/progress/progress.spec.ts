import {
  isComplete,
  progressEta,
  progressPercent,
  progressRate,
  type ProgressCounts,
  type ProgressSample,
  recordSample,
  summariseProgress,
  sumProgress,
} from './progress';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const counts = (
  found: number,
  migrated: number,
  skipped = 0,
  failed = 0,
  bytesFound = 0,
  bytesDone = 0,
): ProgressCounts => ({ found, migrated, skipped, failed, bytesFound, bytesDone });
/** Samples every `gapMs` from T0 of a pass moving `perSecond` items (and 1,000 bytes per item). */
const steady = (
  perSecond: number,
  count: number,
  gapMs = 5000,
  from = T0,
  startItems = 0,
): ProgressSample[] =>
  Array.from({ length: count }, (_, i) => {
    const items = startItems + (perSecond * i * gapMs) / 1000;
    return { at: from + i * gapMs, items, bytes: items * 1000 };
  });
const lastAt = (samples: readonly ProgressSample[]): number => samples[samples.length - 1]?.at ?? 0;

describe('migration domain progress', () => {
  it('adds up mailboxes', () => {
    expect(sumProgress([counts(10, 5, 1, 1, 100, 50), counts(3, 3, 0, 0, 30, 30)])).toEqual(
      counts(13, 8, 1, 1, 130, 80),
    );
    expect(sumProgress([])).toEqual(counts(0, 0));
  });

  describe('complete and percent', () => {
    it('is complete only once planning is done and found = migrated + skipped + failed', () => {
      expect(isComplete(counts(10, 7, 2, 1), true)).toBe(true);
      expect(isComplete(counts(10, 7, 2, 1), false)).toBe(false);
      expect(isComplete(counts(10, 7, 2, 0), true)).toBe(false);
      expect(isComplete(counts(0, 0), true)).toBe(true);
    });

    it.each<[string, ProgressCounts, boolean, number | null]>([
      ['nothing known yet', counts(0, 0), false, null],
      ['an empty mailbox, planned', counts(0, 0), true, 100],
      ['a third', counts(3, 1), true, 33.3],
      ['a third while still planning', counts(3, 1), false, 33.3],
      ['skipped and failed count as processed', counts(4, 1, 1, 1), true, 75],
      ['almost done is not 100', counts(10_000, 9_999), true, 99.9],
      ['done', counts(10, 9, 1), true, 100],
      ['all processed but still planning is not 100', counts(10, 10), false, 99.9],
      ['more processed than found (counts racing) is not 100', counts(10, 11), true, 99.9],
    ])('%s: %s%%', (_, c, planned, percent) => expect(progressPercent(c, planned)).toBe(percent));
  });

  describe('rate', () => {
    it('a steady pass: exactly its items and bytes per second', () => {
      const samples = steady(10, 13);
      const rate = progressRate(samples, lastAt(samples));
      expect(rate?.itemsPerSecond).toBeCloseTo(10, 10);
      expect(rate?.bytesPerSecond).toBeCloseTo(10_000, 8);
    });

    it('uneven sampling does not skew a steady rate', () => {
      const samples = [0, 1000, 1500, 9000, 9100, 30_000].map((ms) => ({
        at: T0 + ms,
        items: ms / 100,
        bytes: ms,
      }));
      const rate = progressRate(samples, T0 + 30_000);
      expect(rate?.itemsPerSecond).toBeCloseTo(10, 10);
      expect(rate?.bytesPerSecond).toBeCloseTo(1000, 10);
    });

    it('follows a speed-up faster than a plain average over the window', () => {
      const slow = steady(10, 61); // 5 minutes at 10/s
      const fast = steady(20, 13, 5000, lastAt(slow), slow[slow.length - 1]?.items).slice(1); // then 1 minute at 20/s
      const samples = [...slow, ...fast];
      const now = lastAt(samples);
      const plain =
        ((samples[samples.length - 1]?.items ?? 0) - (samples[0]?.items ?? 0)) / ((now - T0) / 1000);
      const rate = progressRate(samples, now)?.itemsPerSecond ?? 0;
      expect(rate).toBeGreaterThan(plain + 2);
      expect(rate).toBeLessThan(20);
    });

    it('a stall longer than the usual gap decays the rate; a normal gap does not', () => {
      const samples = steady(10, 13);
      expect(progressRate(samples, lastAt(samples) + 5000)?.itemsPerSecond).toBe(10);
      const stalled = progressRate(samples, lastAt(samples) + 120_000)?.itemsPerSecond ?? 10;
      expect(stalled).toBeLessThan(10 / 3);
      expect(stalled).toBeGreaterThan(0);
    });

    it('is unknown with fewer than two samples in the window, and forgets older ones', () => {
      expect(progressRate([], T0)).toBeNull();
      expect(progressRate(steady(10, 1), T0)).toBeNull();
      const samples = steady(10, 3);
      expect(progressRate(samples, lastAt(samples) + 11 * 60_000)).toBeNull();
    });

    it('leaves out an interval whose counts go down', () => {
      const samples = [
        { at: T0, items: 100, bytes: 100 },
        { at: T0 + 10_000, items: 200, bytes: 200 },
        { at: T0 + 20_000, items: 50, bytes: 50 },
        { at: T0 + 30_000, items: 150, bytes: 150 },
      ];
      const rate = progressRate(samples, T0 + 30_000);
      expect(rate?.itemsPerSecond).toBeGreaterThan(9.9);
      expect(rate?.itemsPerSecond).toBeLessThan(10.1);
    });
  });

  describe('ETA', () => {
    const rate = { itemsPerSecond: 10, bytesPerSecond: 1000 };

    it('is the items left at the item rate', () => {
      expect(progressEta(counts(1000, 300, 50, 50), rate, true)).toBe(60_000);
    });

    it('is 0 once complete, and unknown while planning or when nothing moves', () => {
      expect(progressEta(counts(10, 10), null, true)).toBe(0);
      expect(progressEta(counts(1000, 400), rate, false)).toBeNull();
      expect(progressEta(counts(1000, 400), null, true)).toBeNull();
      expect(progressEta(counts(1000, 400), { itemsPerSecond: 0, bytesPerSecond: 0 }, true)).toBeNull();
    });
  });

  it('summarises a project from its mailboxes and samples', () => {
    const samples = steady(10, 13);
    const summary = summariseProgress({
      counts: [counts(600, 100, 10, 10, 6e5, 1e5), counts(400, 200, 0, 0, 4e5, 2e5)],
      planningDone: true,
      samples,
      now: lastAt(samples),
    });
    expect(summary).toMatchObject({
      ...counts(1000, 300, 10, 10, 1e6, 3e5),
      processed: 320,
      percent: 32,
      complete: false,
    });
    expect(summary.itemsPerSecond).toBeCloseTo(10, 10);
    expect(summary.bytesPerSecond).toBeCloseTo(10_000, 8);
    expect(summary.etaMs).toBeGreaterThanOrEqual(68_000);
    expect(summary.etaMs).toBeLessThanOrEqual(68_001);
  });

  describe('recordSample', () => {
    it('appends the processed items and bytes done at now', () => {
      expect(recordSample([], counts(10, 3, 1, 1, 100, 40), T0)).toEqual([{ at: T0, items: 5, bytes: 40 }]);
    });

    it('drops samples outside the window and keeps at most max', () => {
      const old = steady(10, 5, 60_000); // T0 .. T0 + 4 min
      const now = T0 + 12 * 60_000;
      expect(recordSample(old, counts(1, 1), now).map((s) => s.at)).toEqual([
        T0 + 2 * 60_000,
        T0 + 3 * 60_000,
        T0 + 4 * 60_000,
        now,
      ]);
      expect(
        recordSample(steady(10, 10, 1000), counts(1, 1), T0 + 10_000, undefined, 3).map((s) => s.at),
      ).toEqual([T0 + 8000, T0 + 9000, T0 + 10_000]);
    });

    it('ignores a sample that is not after the last one', () => {
      const samples = steady(10, 3);
      expect(recordSample(samples, counts(1, 1), lastAt(samples))).toEqual(samples);
      expect(recordSample(samples, counts(1, 1), T0)).toEqual(samples);
    });
  });
});
