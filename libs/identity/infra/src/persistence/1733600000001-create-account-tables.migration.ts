import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes, schemaOf } from './sql-dialect';

/** Organisations, accounts, their roles and recovery codes, in the identity service's own schema. */
export class CreateAccountTables1733600000001 implements MigrationInterface {
  name = 'CreateAccountTables1733600000001';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const schema = schemaOf(q);
    await q.createTable(
      new Table({
        name: `${schema}.organisations`,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: t.unicode, length: '200' },
          { name: 'mfa_required', type: t.boolean },
          { name: 'sso_settings', type: t.longText },
          { name: 'created_at', type: t.timestamp },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: `${schema}.accounts`,
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          // Login names are restricted to ASCII by policy; display data is Unicode.
          { name: 'login_name', type: 'varchar', length: '64' },
          { name: 'display_name', type: t.unicode, length: '100' },
          { name: 'email', type: t.unicode, length: '320', isNullable: true },
          { name: 'real_name', type: t.unicode, length: '200', isNullable: true },
          { name: 'password_hash', type: 'varchar', length: '255', isNullable: true },
          { name: 'federated_issuer', type: 'varchar', length: '300', isNullable: true },
          { name: 'federated_subject', type: 'varchar', length: '255', isNullable: true },
          { name: 'mfa_enrolled', type: t.boolean },
          { name: 'totp_secret_sealed', type: t.longText, isNullable: true },
          { name: 'totp_last_step', type: 'bigint', isNullable: true },
          { name: 'created_at', type: t.timestamp },
        ],
        foreignKeys: [
          {
            name: 'fk_accounts_org',
            columnNames: ['org_id'],
            referencedTableName: `${schema}.organisations`,
            referencedColumnNames: ['id'],
          },
        ],
        checks: [
          {
            name: 'ck_accounts_federated_pair',
            expression:
              '(federated_issuer IS NULL AND federated_subject IS NULL) OR (federated_issuer IS NOT NULL AND federated_subject IS NOT NULL)',
          },
        ],
      }),
    );
    await q.createIndex(
      `${schema}.accounts`,
      new TableIndex({ name: 'ux_accounts_login_name', columnNames: ['login_name'], isUnique: true }),
    );
    // Filtered: SQL Server counts NULLs as equal in a unique index, and most accounts have no federated identity.
    await q.createIndex(
      `${schema}.accounts`,
      new TableIndex({
        name: 'ux_accounts_federated',
        columnNames: ['federated_issuer', 'federated_subject'],
        isUnique: true,
        where: 'federated_issuer IS NOT NULL',
      }),
    );
    await q.createIndex(
      `${schema}.accounts`,
      new TableIndex({ name: 'ix_accounts_org', columnNames: ['org_id', 'created_at'] }),
    );
    await q.createTable(
      new Table({
        name: `${schema}.account_roles`,
        columns: [
          { name: 'account_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'role', type: 'varchar', length: '32', isPrimary: true },
        ],
        foreignKeys: [
          {
            name: 'fk_account_roles_account',
            columnNames: ['account_id'],
            referencedTableName: `${schema}.accounts`,
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex(
      `${schema}.account_roles`,
      new TableIndex({ name: 'ix_account_roles_role', columnNames: ['role'] }),
    );
    await q.createTable(
      new Table({
        name: `${schema}.recovery_codes`,
        columns: [
          { name: 'account_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'code_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'used_at', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            name: 'fk_recovery_codes_account',
            columnNames: ['account_id'],
            referencedTableName: `${schema}.accounts`,
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = schemaOf(q);
    await q.dropTable(`${schema}.recovery_codes`);
    await q.dropTable(`${schema}.account_roles`);
    await q.dropTable(`${schema}.accounts`);
    await q.dropTable(`${schema}.organisations`);
  }
}
