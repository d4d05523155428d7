/** A bucket's size and refill speed. */
export interface BucketShape {
  readonly capacity: number;
  readonly refillPerMs: number;
}

/** A bucket's content at a moment (ms since the epoch). Tokens may be negative: debt from one oversized take. */
export interface BucketLevel {
  readonly tokens: number;
  readonly at: number;
}

/**
 * The bucket that keeps every window of `perSeconds` within `count`, whatever windowing the vendor
 * uses (fixed, sliding or a bucket of its own): a small burst `capacity` (`burstFraction` of the
 * count) and a refill of the rest over the period plus `holdMs`, the longest a worker keeps leased
 * tokens before spending them. Tokens spent in any window were taken in a span of period + hold, so
 * at most capacity + refill * (period + hold) = count. `factor` (AIMD, at most 1) slows the refill.
 */
export function bucketShape(count: number, perSeconds: number, burstFraction: number, holdMs: number, factor = 1): BucketShape {
  const capacity = count * burstFraction;
  return { capacity, refillPerMs: (Math.min(1, factor) * (count - capacity)) / (perSeconds * 1000 + holdMs) };
}

/** A bucket that starts full at `now`. */
export function fullBucket(shape: BucketShape, now: number): BucketLevel {
  return { tokens: shape.capacity, at: now };
}

/**
 * The level at `now`. Time never runs backwards (`at` only grows), so a worker whose clock lags
 * another's refills nothing rather than refilling twice.
 */
export function refill(level: BucketLevel, shape: BucketShape, now: number): BucketLevel {
  if (now <= level.at) return level;
  if (level.tokens >= shape.capacity) return { tokens: level.tokens, at: now };
  return { tokens: Math.min(shape.capacity, level.tokens + (now - level.at) * shape.refillPerMs), at: now };
}

/**
 * Takes a lease: nothing unless `need` is there (a need above the capacity is met by a full bucket,
 * which then goes into debt), else at least `need` and up to `want` whole tokens.
 */
export function takeLease(level: BucketLevel, shape: BucketShape, need: number, want: number, now: number): { level: BucketLevel; granted: number } {
  const current = refill(level, shape, now);
  if (need <= 0 && want <= 0) return { level: current, granted: 0 };
  if (current.tokens < Math.min(need, shape.capacity)) return { level: current, granted: 0 };
  const granted = Math.max(need, Math.min(want, Math.floor(Math.max(0, current.tokens))));
  return { level: { tokens: current.tokens - granted, at: current.at }, granted };
}

/** Puts back tokens a worker leased and did not spend (never above the capacity). */
export function giveBack(level: BucketLevel, shape: BucketShape, amount: number, now: number): BucketLevel {
  const current = refill(level, shape, now);
  if (amount <= 0) return current;
  return { tokens: Math.min(shape.capacity, current.tokens + amount), at: current.at };
}

/** Milliseconds until the bucket holds `amount` (capped at its capacity); 0 when it already does. */
export function msUntilAvailable(level: BucketLevel, shape: BucketShape, amount: number, now: number): number {
  const current = refill(level, shape, now);
  const target = Math.min(amount, shape.capacity);
  if (current.tokens >= target) return 0;
  if (shape.refillPerMs <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil((target - current.tokens) / shape.refillPerMs);
}
