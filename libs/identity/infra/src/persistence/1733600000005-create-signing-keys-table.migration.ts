import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes, schemaOf } from './sql-dialect';

/** Access-token signing keys: public JWK in clear, private JWK sealed. */
export class CreateSigningKeysTable1733600000005 implements MigrationInterface {
  name = 'CreateSigningKeysTable1733600000005';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const schema = schemaOf(q);
    await q.createTable(
      new Table({
        name: `${schema}.signing_keys`,
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'generation', type: 'int' },
          { name: 'algorithm', type: 'varchar', length: '16' },
          { name: 'public_jwk', type: t.longText },
          { name: 'private_jwk_sealed', type: t.longText },
          { name: 'created_at', type: t.timestamp },
          { name: 'activated_at', type: t.timestamp },
          { name: 'retired_at', type: t.timestamp, isNullable: true },
        ],
      }),
    );
    // The rotation race is settled here: one row per generation.
    await q.createIndex(
      `${schema}.signing_keys`,
      new TableIndex({ name: 'ux_signing_keys_generation', columnNames: ['generation'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable(`${schemaOf(q)}.signing_keys`);
  }
}
