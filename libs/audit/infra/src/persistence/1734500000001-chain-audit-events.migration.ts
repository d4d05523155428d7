import { chainHash, GENESIS_HASH } from '@ferry/audit/domain';
import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Rows chained per read while the migration links the records that existed before the chain. */
const PAGE = 1000;

/**
 * The tamper-evident chain: each record gets prev_hash and hash, each head its hash, plus the signed
 * checkpoints and per-organisation retention. Records stored before this migration are chained here,
 * in sequence order per organisation, so every record the service ever stored is covered (the
 * migration runs under the service's migration lock, before the consumer starts).
 */
export class ChainAuditEvents1734500000001 implements MigrationInterface {
  name = 'ChainAuditEvents1734500000001';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const ts = mssql ? 'datetimeoffset' : 'timestamp with time zone';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'audit';
    const events = `${schema}.events`;
    const heads = `${schema}.chain_heads`;
    const hashColumn = (name: string) => new TableColumn({ name, type: 'char', length: '64', isNullable: true });
    await q.addColumns(events, [hashColumn('prev_hash'), hashColumn('hash')]);
    await q.addColumn(heads, hashColumn('hash'));

    await chainExistingRecords(q, mssql, `${q.connection.driver.escape(schema)}.`);

    const notNull = (table: string, column: string) =>
      q.query(mssql ? `ALTER TABLE ${table} ALTER COLUMN ${column} char(64) NOT NULL` : `ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`);
    await notNull(events, 'prev_hash');
    await notNull(events, 'hash');
    await notNull(heads, 'hash');

    await q.createTable(
      new Table({
        name: `${schema}.checkpoints`,
        columns: [
          { name: 'org_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'sequence', type: 'bigint', isPrimary: true },
          { name: 'hash', type: 'char', length: '64' },
          { name: 'created_at', type: ts },
          { name: 'key_id', type: 'varchar', length: '16' },
          { name: 'signature', type: 'varchar', length: '100' },
        ],
      }),
    );
    await q.createIndex(`${schema}.checkpoints`, new TableIndex({ name: 'ix_checkpoints_org_created', columnNames: ['org_id', 'created_at'] }));
    await q.createTable(
      new Table({
        name: `${schema}.retention`,
        columns: [
          { name: 'org_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'days', type: 'int' },
          { name: 'updated_at', type: ts },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'audit';
    await q.dropTable(`${schema}.retention`);
    await q.dropTable(`${schema}.checkpoints`);
    await q.dropColumn(`${schema}.chain_heads`, 'hash');
    await q.dropColumns(`${schema}.events`, ['prev_hash', 'hash']);
  }
}

/** Links every organisation's existing records in sequence order and stores the head's hash. */
async function chainExistingRecords(q: QueryRunner, mssql: boolean, prefix: string): Promise<void> {
  const p = (i: number) => (mssql ? `@${i}` : `$${i + 1}`);
  const limit = mssql ? `OFFSET 0 ROWS FETCH NEXT ${PAGE} ROWS ONLY` : `LIMIT ${PAGE}`;
  const orgs = (await q.query(`SELECT org_id FROM ${prefix}chain_heads ORDER BY org_id`)) as { org_id: string }[];
  for (const { org_id: orgId } of orgs) {
    let prevHash = GENESIS_HASH;
    let after = '0';
    for (;;) {
      const rows = (await q.query(
        `SELECT id, sequence, payload FROM ${prefix}events WHERE org_id = ${p(0)} AND sequence > ${p(1)} ORDER BY sequence ${limit}`,
        [orgId, after],
      )) as { id: string; sequence: string | number; payload: string }[];
      for (const row of rows) {
        const sequence = BigInt(row.sequence);
        const hash = chainHash({ prevHash, sequence, id: row.id, orgId, payload: Buffer.from(row.payload, 'base64') });
        await q.query(`UPDATE ${prefix}events SET prev_hash = ${p(0)}, hash = ${p(1)} WHERE id = ${p(2)}`, [prevHash, hash, row.id]);
        prevHash = hash;
        after = sequence.toString();
      }
      if (rows.length < PAGE) break;
    }
    await q.query(`UPDATE ${prefix}chain_heads SET hash = ${p(0)} WHERE org_id = ${p(1)}`, [prevHash, orgId]);
  }
}
