import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Creates the connectors table in the connectors service's own schema. */
export class CreateConnectorsTable1732300000001 implements MigrationInterface {
  name = 'CreateConnectorsTable1732300000001';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.createTable(
      new Table({
        name: `${schema}.connectors`,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'name', type: mssql ? 'nvarchar' : 'varchar', length: '400' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'created_at', type: mssql ? 'datetimeoffset' : 'timestamp with time zone' },
          { name: 'secret_fingerprint', type: 'varchar', length: '64' },
          { name: 'secret_sealed', type: mssql ? 'nvarchar(max)' : 'text' },
        ],
      }),
    );
    await q.createIndex(`${schema}.connectors`, new TableIndex({ name: 'ix_connectors_org', columnNames: ['org_id', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.dropTable(`${schema}.connectors`);
  }
}
