import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes, schemaOf } from './sql-dialect';

/** Sign-in failure counters shared by all replicas. */
export class CreateThrottleCountersTable1733600000003 implements MigrationInterface {
  name = 'CreateThrottleCountersTable1733600000003';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.createTable(
      new Table({
        name: `${schemaOf(q)}.throttle_counters`,
        columns: [
          { name: 'throttle_key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'failures', type: 'int' },
          { name: 'window_ends_at', type: t.timestamp },
          { name: 'locked_until', type: t.timestamp, isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable(`${schemaOf(q)}.throttle_counters`);
  }
}
