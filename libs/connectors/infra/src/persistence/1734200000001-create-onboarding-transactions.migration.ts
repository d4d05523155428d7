import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Adds onboarding_transactions: one row per admin-consent or delegated-grant link, keyed by the
 * state's hash, deleted with its connector.
 */
export class CreateOnboardingTransactions1734200000001 implements MigrationInterface {
  name = 'CreateOnboardingTransactions1734200000001';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    const time = mssql ? 'datetimeoffset' : 'timestamp with time zone';
    await q.createTable(
      new Table({
        name: `${schema}.onboarding_transactions`,
        columns: [
          { name: 'state_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'connector_id', type: 'varchar', length: '36' },
          { name: 'pkce_sealed', type: mssql ? 'nvarchar(max)' : 'text', isNullable: true },
          { name: 'expected_subject', type: 'varchar', length: '64', isNullable: true },
          { name: 'started_by', type: 'varchar', length: '64' },
          { name: 'created_at', type: time },
          { name: 'expires_at', type: time },
          { name: 'spent', type: mssql ? 'bit' : 'boolean' },
        ],
      }),
    );
    await q.createIndex(`${schema}.onboarding_transactions`, new TableIndex({ name: 'ix_onboarding_transactions_expiry', columnNames: ['expires_at'] }));
    await q.createForeignKey(
      `${schema}.onboarding_transactions`,
      new TableForeignKey({ name: 'fk_onboarding_transactions_connector', columnNames: ['connector_id'], referencedTableName: `${schema}.connectors`, referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.dropTable(`${schema}.onboarding_transactions`);
  }
}
