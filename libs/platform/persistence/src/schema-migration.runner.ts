import { type DataSource, MigrationExecutor } from 'typeorm';
import { migrationLockFor } from './migration-lock';
import { serviceDataSourceInfo } from './service-data-source.registry';

/**
 * Brings the service's schema up to date: creates the schema if missing and runs pending
 * migrations while holding a cross-replica lock keyed on the service name, so replicas starting
 * together apply each migration once. Idempotent. Returns the names of the migrations it applied.
 * The DataSource must come from `createServiceDataSource` and be initialized.
 */
export async function migrateServiceSchema(dataSource: DataSource): Promise<string[]> {
  const info = serviceDataSourceInfo(dataSource);
  const runner = dataSource.createQueryRunner('master');
  let timeoutLifted = false;
  try {
    await runner.connect();
    if (info.dialect === 'postgres') {
      // Migrations may legitimately outlast the service's statement timeout (index builds).
      await runner.query('SET statement_timeout = 0');
      timeoutLifted = true;
    }
    const lock = await migrationLockFor(info.dialect).acquire(dataSource, runner, info.service);
    let applied: string[];
    try {
      // Check first: a least-privilege user may own a pre-created schema yet lack CREATE on the database.
      if (!(await runner.hasSchema(info.service))) await runner.createSchema(info.service, true);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      applied = (await executor.executePendingMigrations()).map((m) => m.name);
      if (info.synchronizeForTests) await dataSource.synchronize();
    } catch (err) {
      // Report the migration failure, not a secondary unlock failure.
      await lock.release().catch(() => undefined);
      throw err;
    }
    await lock.release();
    return applied;
  } finally {
    // A connection that cannot be reset is broken, and the pool discards broken connections.
    if (timeoutLifted) await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}
