import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes, schemaOf } from './sql-dialect';

/** Sessions, the refresh tokens each session issued, and pending sign-in steps. */
export class CreateSessionTables1733600000002 implements MigrationInterface {
  name = 'CreateSessionTables1733600000002';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const schema = schemaOf(q);
    await q.createTable(
      new Table({
        name: `${schema}.sessions`,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'account_id', type: 'varchar', length: '36' },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'amr', type: 'varchar', length: '64' },
          { name: 'subject_pseudonym', type: 'varchar', length: '64', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'last_used_at', type: t.timestamp },
          { name: 'idle_expires_at', type: t.timestamp },
          { name: 'absolute_expires_at', type: t.timestamp },
          { name: 'revoked_at', type: t.timestamp, isNullable: true },
          { name: 'revoke_reason', type: 'varchar', length: '32', isNullable: true },
        ],
        foreignKeys: [
          {
            name: 'fk_sessions_account',
            columnNames: ['account_id'],
            referencedTableName: `${schema}.accounts`,
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex(
      `${schema}.sessions`,
      new TableIndex({ name: 'ix_sessions_account', columnNames: ['account_id'] }),
    );
    await q.createTable(
      new Table({
        name: `${schema}.refresh_tokens`,
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'session_id', type: 'varchar', length: '36' },
          { name: 'spent', type: t.boolean },
          { name: 'issued_at', type: t.timestamp },
          { name: 'spent_at', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            name: 'fk_refresh_tokens_session',
            columnNames: ['session_id'],
            referencedTableName: `${schema}.sessions`,
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex(
      `${schema}.refresh_tokens`,
      new TableIndex({ name: 'ix_refresh_tokens_session', columnNames: ['session_id'] }),
    );
    await q.createTable(
      new Table({
        name: `${schema}.pending_steps`,
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'account_id', type: 'varchar', length: '36' },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'purpose', type: 'varchar', length: '16' },
          { name: 'amr', type: 'varchar', length: '64' },
          { name: 'attempts', type: 'int' },
          { name: 'expires_at', type: t.timestamp },
        ],
      }),
    );
    await q.createIndex(
      `${schema}.pending_steps`,
      new TableIndex({ name: 'ix_pending_steps_expires', columnNames: ['expires_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = schemaOf(q);
    await q.dropTable(`${schema}.pending_steps`);
    await q.dropTable(`${schema}.refresh_tokens`);
    await q.dropTable(`${schema}.sessions`);
  }
}
