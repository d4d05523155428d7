import { bucketShape, fullBucket, giveBack, msUntilAvailable, refill, takeLease } from './token-bucket';

describe('token bucket', () => {
  const shape = bucketShape(100, 10, 0.05, 200);

  it('keeps the burst plus a period and a hold of refill at the budget', () => {
    expect(shape.capacity).toBe(5);
    expect(shape.capacity + shape.refillPerMs * (10_000 + 200)).toBeCloseTo(100, 9);
    expect(bucketShape(100, 10, 0.05, 200, 0.5).refillPerMs).toBeCloseTo(shape.refillPerMs / 2, 12);
    expect(bucketShape(100, 10, 0.05, 200, 3).refillPerMs).toBeCloseTo(shape.refillPerMs, 12);
  });

  it('refills with time up to the capacity and never backwards', () => {
    const empty = { tokens: 0, at: 1000 };
    expect(refill(empty, shape, 1100).tokens).toBeCloseTo(100 * shape.refillPerMs, 9);
    expect(refill(empty, shape, 1_000_000).tokens).toBe(5);
    expect(refill(empty, shape, 500)).toEqual(empty);
  });

  it('grants nothing until the need is there, then at least the need and up to the want in whole tokens', () => {
    const level = { tokens: 3.6, at: 0 };
    expect(takeLease(level, shape, 4, 4, 0).granted).toBe(0);
    const taken = takeLease(level, shape, 1, 10, 0);
    expect(taken.granted).toBe(3);
    expect(taken.level.tokens).toBeCloseTo(0.6, 9);
    expect(takeLease(level, shape, 0, 2, 0).granted).toBe(2);
    expect(takeLease({ tokens: -1, at: 0 }, shape, 0, 2, 0).granted).toBe(0);
  });

  it('lets a request larger than the capacity go when the bucket is full, leaving a debt', () => {
    expect(takeLease({ tokens: 4, at: 0 }, shape, 12, 12, 0).granted).toBe(0);
    const taken = takeLease(fullBucket(shape, 0), shape, 12, 12, 0);
    expect(taken.granted).toBe(12);
    expect(taken.level.tokens).toBe(-7);
    expect(msUntilAvailable(taken.level, shape, 1, 0)).toBe(Math.ceil(8 / shape.refillPerMs));
  });

  it('takes returned tokens back only up to the capacity', () => {
    expect(giveBack({ tokens: 1, at: 0 }, shape, 2, 0).tokens).toBe(3);
    expect(giveBack({ tokens: 4, at: 0 }, shape, 9, 0).tokens).toBe(5);
  });

  it('says how long until an amount is there, capped at the capacity', () => {
    expect(msUntilAvailable({ tokens: 5, at: 0 }, shape, 1, 0)).toBe(0);
    expect(msUntilAvailable({ tokens: 0, at: 0 }, shape, 2, 0)).toBe(Math.ceil(2 / shape.refillPerMs));
    expect(msUntilAvailable({ tokens: 0, at: 0 }, shape, 50, 0)).toBe(Math.ceil(5 / shape.refillPerMs));
    expect(msUntilAvailable({ tokens: 0, at: 0 }, { capacity: 1, refillPerMs: 0 }, 1, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('admits no more than the count in any window, even when leases are spent a hold later, and nearly all of it under overload', () => {
    // Greedy takers poll every 7 ms and spend each lease `hold` ms after taking it (the worst case).
    const count = 50;
    const periodMs = 2000;
    const hold = 40;
    const s = bucketShape(count, periodMs / 1000, 0.05, hold);
    let level = fullBucket(s, 0);
    const spent: number[] = [];
    for (let t = 0; t <= 20_000; t += 7) {
      const taken = takeLease(level, s, 1, 3, t);
      level = taken.level;
      for (let i = 0; i < taken.granted; i++) spent.push(t + hold);
    }
    let worst = 0;
    for (let i = 0, j = 0; i < spent.length; i++) {
      while ((spent[j] ?? Infinity) <= (spent[i] ?? 0) - periodMs) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(count);
    expect(spent.length / ((20_000 / periodMs) * count)).toBeGreaterThan(0.92);
  });
});
