import { Inject, Injectable } from '@nestjs/common';
import type { ThrottleStore } from '@ferry/identity/application';
import { DataSource } from 'typeorm';
import { ThrottleCounterEntity } from './throttle-counter.entity';
import { dialectOf, quotedTable, toDateOrNull } from './sql-dialect';
import { throttleUpsertSql } from './throttle-upsert.sql';

const MAX_KEY_LENGTH = 200;

/**
 * Failure counters in fixed windows, shared by all replicas. Counting is one atomic upsert; the
 * lock end the caller derives from the new count is then only ever extended, never shortened, so
 * concurrent failures cannot undo each other's lock.
 */
@Injectable()
export class SqlThrottleStore implements ThrottleStore {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async read(key: string, now: Date): Promise<{ failures: number; lockedUntil: Date | null }> {
    const row = await this.db.getRepository(ThrottleCounterEntity).findOne({ where: { key: checked(key) } });
    if (!row) return { failures: 0, lockedUntil: null };
    return {
      failures: row.windowEndsAt > now ? row.failures : 0,
      lockedUntil: row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null,
    };
  }

  /** `lockFor(failures)` is the lock duration in milliseconds for the new count; 0 (or less) locks nothing. */
  async recordFailure(
    key: string,
    now: Date,
    windowMs: number,
    lockFor: (failures: number) => number,
  ): Promise<{ failures: number; lockedUntil: Date | null }> {
    const rows: { failures: number | string; locked_until: unknown }[] = await this.db.query(
      throttleUpsertSql(dialectOf(this.db), quotedTable(this.db, ThrottleCounterEntity)),
      [checked(key), new Date(now.getTime() + windowMs), now],
    );
    const row = rows[0];
    if (!row) throw new Error('throttle upsert returned no row');
    const failures = Number(row.failures);
    const existing = toDateOrNull(row.locked_until);
    let lockedUntil = existing && existing > now ? existing : null;
    const lockMs = lockFor(failures);
    if (lockMs > 0) {
      const until = new Date(now.getTime() + lockMs);
      await this.db
        .createQueryBuilder()
        .update(ThrottleCounterEntity)
        .set({ lockedUntil: until })
        .where('throttle_key = :key', { key })
        .andWhere('(locked_until IS NULL OR locked_until < :until)', { until })
        .execute();
      if (!lockedUntil || until > lockedUntil) lockedUntil = until;
    }
    return { failures, lockedUntil };
  }

  async reset(key: string): Promise<void> {
    await this.db.getRepository(ThrottleCounterEntity).delete({ key: checked(key) });
  }

  /** Housekeeping (not a port call): deletes counters whose window and lock both ended before `now`. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(ThrottleCounterEntity)
      .where('window_ends_at <= :now AND (locked_until IS NULL OR locked_until <= :now)', { now })
      .execute();
    return result.affected ?? 0;
  }
}

function checked(key: string): string {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH)
    throw new RangeError(`throttle key must be 1-${MAX_KEY_LENGTH} characters`);
  return key;
}
