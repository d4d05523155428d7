import type { ThrottleStore } from '@ferry/identity/application';

interface ThrottleRow {
  failures: number[];
  windowMs: number;
  lockedUntil: number | null;
}

/** In-memory ThrottleStore with a sliding window: failures older than the window no longer count. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly rows = new Map<string, ThrottleRow>();

  /** Test helper: every key that has state (keys are opaque pseudonyms). */
  keys(): string[] {
    return [...this.rows.keys()];
  }

  async read(key: string, now: Date): Promise<{ failures: number; lockedUntil: Date | null }> {
    const row = this.rows.get(key);
    if (!row) return { failures: 0, lockedUntil: null };
    return this.view(row, now.getTime());
  }

  async recordFailure(
    key: string,
    now: Date,
    windowMs: number,
    lockFor: (failures: number) => number,
  ): Promise<{ failures: number; lockedUntil: Date | null }> {
    const t = now.getTime();
    const row = this.rows.get(key) ?? { failures: [], windowMs, lockedUntil: null };
    row.windowMs = windowMs;
    row.failures = row.failures.filter((f) => f > t - windowMs);
    row.failures.push(t);
    const lockMs = lockFor(row.failures.length);
    if (lockMs > 0) row.lockedUntil = Math.max(row.lockedUntil ?? 0, t + lockMs);
    this.rows.set(key, row);
    return this.view(row, t);
  }

  async reset(key: string): Promise<void> {
    this.rows.delete(key);
  }

  private view(row: ThrottleRow, t: number): { failures: number; lockedUntil: Date | null } {
    const failures = row.failures.filter((f) => f > t - row.windowMs).length;
    return {
      failures,
      lockedUntil: row.lockedUntil !== null && row.lockedUntil > t ? new Date(row.lockedUntil) : null,
    };
  }
}
