import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Replaces the walking skeleton's connectors table (one opaque secret, no tenant settings: its rows
 * cannot reach any tenant, so they are dropped, not converted) with connectors plus the vault's
 * connector_secrets, one sealed row per secret.
 */
export class CreateConnectorVault1733900000001 implements MigrationInterface {
  name = 'CreateConnectorVault1733900000001';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    const time = mssql ? 'datetimeoffset' : 'timestamp with time zone';
    const text = mssql ? 'nvarchar(max)' : 'text';
    await q.dropTable(`${schema}.connectors`, true);
    await q.createTable(
      new Table({
        name: `${schema}.connectors`,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'name', type: mssql ? 'nvarchar' : 'varchar', length: '400' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'settings', type: text },
          { name: 'workloads', type: 'varchar', length: '200' },
          { name: 'project_tag', type: 'varchar', length: '64', isNullable: true },
          { name: 'status', type: 'varchar', length: '24' },
          { name: 'version', type: 'int' },
          { name: 'created_at', type: time },
          { name: 'updated_at', type: time },
        ],
      }),
    );
    await q.createIndex(`${schema}.connectors`, new TableIndex({ name: 'ix_connectors_org', columnNames: ['org_id', 'created_at'] }));
    await q.createIndex(`${schema}.connectors`, new TableIndex({ name: 'ix_connectors_project', columnNames: ['org_id', 'project_tag'] }));
    await q.createTable(
      new Table({
        name: `${schema}.connector_secrets`,
        columns: [
          { name: 'connector_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'field', type: 'varchar', length: '96', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'sealed', type: text },
          { name: 'kek_ref', type: 'varchar', length: '600' },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'created_at', type: time },
          { name: 'expires_at', type: time, isNullable: true },
          { name: 'last_used_at', type: time, isNullable: true },
        ],
      }),
    );
    await q.createIndex(`${schema}.connector_secrets`, new TableIndex({ name: 'ix_connector_secrets_kek', columnNames: ['kek_ref'] }));
    await q.createIndex(`${schema}.connector_secrets`, new TableIndex({ name: 'ix_connector_secrets_org', columnNames: ['org_id', 'connector_id'] }));
    await q.createForeignKey(
      `${schema}.connector_secrets`,
      new TableForeignKey({ name: 'fk_connector_secrets_connector', columnNames: ['connector_id'], referencedTableName: `${schema}.connectors`, referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.dropTable(`${schema}.connector_secrets`);
  }
}
