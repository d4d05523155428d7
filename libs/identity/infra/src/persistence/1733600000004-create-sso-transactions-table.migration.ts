import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes, schemaOf } from './sql-dialect';

/** OIDC flows in progress (state, nonce, sealed PKCE verifier). */
export class CreateSsoTransactionsTable1733600000004 implements MigrationInterface {
  name = 'CreateSsoTransactionsTable1733600000004';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const schema = schemaOf(q);
    await q.createTable(
      new Table({
        name: `${schema}.sso_transactions`,
        columns: [
          { name: 'state_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'binding_hash', type: 'varchar', length: '64' },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'provider', type: 'varchar', length: '16' },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'nonce', type: 'varchar', length: '128' },
          { name: 'code_verifier_sealed', type: t.longText },
          { name: 'expires_at', type: t.timestamp },
        ],
      }),
    );
    await q.createIndex(
      `${schema}.sso_transactions`,
      new TableIndex({ name: 'ix_sso_transactions_expires', columnNames: ['expires_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable(`${schemaOf(q)}.sso_transactions`);
  }
}
