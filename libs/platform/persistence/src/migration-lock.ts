import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import type { DatabaseDialect } from './database-url.types';

/** A held cross-replica migration lock. */
export interface HeldMigrationLock {
  /** Gives the lock back. */
  release(): Promise<void>;
}

/**
 * A cross-replica lock for one service's migration run. Both kinds are released by the server if
 * their session dies, so a crashed replica never wedges the others.
 */
export interface MigrationLock {
  /** Blocks until this replica holds the lock for `service`; `runner` is the one migrations will use. */
  acquire(dataSource: DataSource, runner: QueryRunner, service: string): Promise<HeldMigrationLock>;
}

// First half of the two-int advisory key: 'FRRY', so Ferry's locks stay clear of other apps' keys.
const ADVISORY_NAMESPACE = 0x46525259;

/** The two 32-bit halves of the PostgreSQL advisory-lock key for `service`. */
export function advisoryLockKey(service: string): [number, number] {
  const digest = createHash('sha256').update(`ferry:migrate:${service}`).digest();
  return [ADVISORY_NAMESPACE, digest.readInt32BE(0)];
}

/**
 * PostgreSQL: a session-level `pg_advisory_lock` on the migration runner's own connection (a
 * transaction-level lock would sit idle-in-transaction through long migrations and be killed).
 */
export const postgresMigrationLock: MigrationLock = {
  async acquire(_dataSource, runner, service) {
    await runner.query('SELECT pg_advisory_lock($1, $2)', advisoryLockKey(service));
    return {
      release: async () => {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', advisoryLockKey(service));
      },
    };
  },
};

/** The `sp_getapplock` resource name for `service`. */
export function applockResource(service: string): string {
  return `ferry:migrate:${service}`;
}

/**
 * SQL Server / Azure SQL: `sp_getapplock` owned by a transaction held open on a connection of its
 * own. TypeORM's mssql runner pins a connection only inside a transaction, so a session-owned
 * lock could be taken and released on different pooled connections.
 */
export const mssqlMigrationLock: MigrationLock = {
  async acquire(dataSource, _runner, service) {
    const lockRunner = dataSource.createQueryRunner('master');
    await lockRunner.startTransaction();
    try {
      const rows = (await lockRunner.query(
        `DECLARE @result int;
         EXEC @result = sp_getapplock @Resource = @0, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @1;
         SELECT @result AS result;`,
        [applockResource(service), applockTimeoutMs(dataSource)],
      )) as { result?: unknown }[];
      assertApplockGranted(rows[0]?.result, service);
    } catch (err) {
      await lockRunner.rollbackTransaction().catch(() => undefined);
      await lockRunner.release();
      throw err;
    }
    return {
      release: async () => {
        try {
          await lockRunner.commitTransaction();
        } finally {
          await lockRunner.release();
        }
      },
    };
  },
};

/** Wait a little less than the request timeout, so a busy lock reports as such rather than as a timeout. */
export function applockTimeoutMs(dataSource: DataSource): number {
  const requestTimeout = (dataSource.options as { requestTimeout?: number }).requestTimeout ?? 15_000;
  return Math.max(1_000, requestTimeout - 1_000);
}

/** Throws unless `result` is an `sp_getapplock` success code (0 granted, 1 granted after waiting). */
export function assertApplockGranted(result: unknown, service: string): void {
  if (result === 0 || result === 1) return;
  const reason =
    result === -1 ? 'timed out (another replica is migrating)' : `failed (result ${String(result)})`;
  throw new Error(`sp_getapplock for the ${service} migrations ${reason}`);
}

/** The lock for `dialect`. */
export function migrationLockFor(dialect: DatabaseDialect): MigrationLock {
  switch (dialect) {
    case 'postgres':
      return postgresMigrationLock;
    case 'mssql':
      return mssqlMigrationLock;
  }
}
