import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Creates the audit service's tables in its own schema. */
export class CreateAuditTables1732300000000 implements MigrationInterface {
  name = 'CreateAuditTables1732300000000';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const ts = mssql ? 'datetimeoffset' : 'timestamp with time zone';
    const text = mssql ? 'nvarchar(max)' : 'text';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'audit';
    await q.createTable(
      new Table({
        name: `${schema}.events`,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'sequence', type: 'bigint' },
          { name: 'occurred_at', type: ts },
          { name: 'recorded_at', type: ts },
          { name: 'action', type: 'varchar', length: '128' },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'payload', type: text },
        ],
      }),
    );
    await q.createIndex(`${schema}.events`, new TableIndex({ name: 'ux_events_org_sequence', columnNames: ['org_id', 'sequence'], isUnique: true }));
    await q.createTable(
      new Table({
        name: `${schema}.chain_heads`,
        columns: [
          { name: 'org_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'sequence', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'audit';
    await q.dropTable(`${schema}.chain_heads`);
    await q.dropTable(`${schema}.events`);
  }
}
