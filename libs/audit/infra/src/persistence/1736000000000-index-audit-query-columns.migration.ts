import { auditColumnsOfPayload } from '@ferry/audit/application';
import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/** Rows read per batch while the migration fills the new columns of existing records. */
const BATCH = 1000;
/** SQL Server takes at most 2,100 parameters per statement: 300 rows of 6. */
const MSSQL_ROWS_PER_UPDATE = 300;

/** The new columns and their widths (characters); each is re-derived from the payload by verification. */
const COLUMNS = [
  ['actor_kind', 16],
  ['actor_id', 256],
  ['target_type', 64],
  ['target_id', 256],
  ['session_id', 128],
] as const;
type ColumnName = (typeof COLUMNS)[number][0];

/** Indexes serving the query filters within an organisation, newest (or oldest) first by sequence. */
const INDEXES: readonly { name: string; columns: string[] }[] = [
  { name: 'ix_events_org_actor', columns: ['org_id', 'actor_id', 'sequence'] },
  { name: 'ix_events_org_target', columns: ['org_id', 'target_type', 'target_id', 'sequence'] },
  { name: 'ix_events_org_session', columns: ['org_id', 'session_id', 'sequence'] },
  { name: 'ix_events_org_occurred', columns: ['org_id', 'occurred_at'] },
];

/**
 * Query columns for the audit API's filters and session logs: actor kind and id, target type and id,
 * session id, plus their indexes. Existing records get the values their payload holds (decoded here,
 * a batch at a time), fitted as the append path fits them, so they are queryable and verification,
 * which re-derives every column from the payload, still passes. Text columns are nvarchar on SQL
 * Server: publishers' ids are not limited to one code page.
 */
export class IndexAuditQueryColumns1736000000000 implements MigrationInterface {
  name = 'IndexAuditQueryColumns1736000000000';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'audit';
    const events = `${schema}.events`;
    const textType = mssql ? 'nvarchar' : 'varchar';
    await q.addColumns(
      events,
      COLUMNS.map(([name, width]) => new TableColumn({ name, type: textType, length: String(width), isNullable: true })),
    );

    await fillQueryColumns(q, mssql, `${q.connection.driver.escape(schema)}.${q.connection.driver.escape('events')}`);

    for (const [name, width] of COLUMNS) {
      await q.query(mssql ? `ALTER TABLE ${events} ALTER COLUMN ${name} nvarchar(${width}) NOT NULL` : `ALTER TABLE ${events} ALTER COLUMN ${name} SET NOT NULL`);
    }
    for (const index of INDEXES) await q.createIndex(events, new TableIndex({ name: index.name, columnNames: index.columns }));
    // An action prefix is a LIKE 'x.%': PostgreSQL uses a b-tree for it only with pattern operators
    // (unless the database collation is C); SQL Server seeks a LIKE prefix on a plain index.
    if (mssql) await q.createIndex(events, new TableIndex({ name: 'ix_events_org_action', columnNames: ['org_id', 'action', 'sequence'] }));
    else await q.query(`CREATE INDEX ix_events_org_action ON ${events} (org_id, action varchar_pattern_ops, sequence)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'audit';
    const events = `${schema}.events`;
    for (const name of ['ix_events_org_action', ...INDEXES.map((i) => i.name)]) await q.dropIndex(events, name);
    await q.dropColumns(
      events,
      COLUMNS.map(([name]) => name),
    );
  }
}

type Fill = { id: string } & Record<ColumnName, string>;

/** What the append path stores for a payload; a payload that does not decode gets empty columns (verification reports it). */
function columnsOf(id: string, payload: string): Fill {
  try {
    const c = auditColumnsOfPayload(Buffer.from(payload, 'base64'));
    return { id, actor_kind: c['actor_kind'] ?? '', actor_id: c['actor_id'] ?? '', target_type: c['target_type'] ?? '', target_id: c['target_id'] ?? '', session_id: c['session_id'] ?? '' };
  } catch {
    return { id, actor_kind: 'unspecified', actor_id: '', target_type: '', target_id: '', session_id: '' };
  }
}

/** Fills the new columns of every existing record, keyset-paged by id. */
async function fillQueryColumns(q: QueryRunner, mssql: boolean, events: string): Promise<void> {
  const names = COLUMNS.map(([name]) => name);
  const read = mssql
    ? `SELECT id, payload FROM ${events} WHERE id > @0 ORDER BY id OFFSET 0 ROWS FETCH NEXT ${BATCH} ROWS ONLY`
    : `SELECT id, payload FROM ${events} WHERE id > $1 ORDER BY id LIMIT ${BATCH}`;
  let after = '';
  for (;;) {
    const rows = (await q.query(read, [after])) as { id: string; payload: string }[];
    const fills = rows.map((r) => columnsOf(r.id, r.payload));
    if (fills.length > 0) {
      if (mssql) {
        for (let i = 0; i < fills.length; i += MSSQL_ROWS_PER_UPDATE) {
          const part = fills.slice(i, i + MSSQL_ROWS_PER_UPDATE);
          const values = part.map((_, r) => `(${[0, 1, 2, 3, 4, 5].map((c) => `@${r * 6 + c}`).join(', ')})`).join(', ');
          await q.query(
            `UPDATE e SET ${names.map((n) => `${n} = v.${n}`).join(', ')} FROM ${events} AS e JOIN (VALUES ${values}) AS v(id, ${names.join(', ')}) ON e.id = v.id`,
            part.flatMap((f) => [f.id, ...names.map((n) => f[n])]),
          );
        }
      } else {
        await q.query(
          `UPDATE ${events} AS e SET ${names.map((n) => `${n} = v.${n}`).join(', ')}
           FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[]) AS v(id, ${names.join(', ')})
           WHERE e.id = v.id`,
          [fills.map((f) => f.id), ...names.map((n) => fills.map((f) => f[n]))],
        );
      }
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) break;
    after = last.id;
  }
}
