import type { DataSource } from 'typeorm';

/** One row change a transaction committed: the table and the operation. */
export interface CommittedChange {
  readonly table: string;
  readonly op: 'INSERT' | 'UPDATE' | 'DELETE';
}

/** What a probe saw committed since it was installed or last cleared. */
export interface CommittedChanges {
  /** The changes committed so far, oldest first. */
  list(): Promise<CommittedChange[]>;
  /** Forgets what was seen so far. */
  clear(): Promise<void>;
}

const PROBE_SCHEMA = 'committed_changes_probe';
const TABLE_NAME = /^[a-z_]+$/;

/**
 * Notes every row change to `tables` (of the identity schema) in a side table, from a trigger that
 * runs inside the changing transaction: a rolled-back change leaves no note, a change committed and
 * then undone leaves two. So a test can tell "never applied" from "applied, then put back", which a
 * before/after comparison of the rows cannot. PostgreSQL only; test databases only.
 */
export async function probeCommittedChanges(
  db: DataSource,
  tables: readonly string[],
): Promise<CommittedChanges> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${PROBE_SCHEMA}`);
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${PROBE_SCHEMA}.changes (n bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL)`,
  );
  await db.query(`CREATE OR REPLACE FUNCTION ${PROBE_SCHEMA}.note() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${PROBE_SCHEMA}.changes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$`);
  for (const table of tables) {
    if (!TABLE_NAME.test(table)) throw new Error(`not a table name: ${table}`);
    await db.query(`DROP TRIGGER IF EXISTS committed_changes_probe ON identity.${table}`);
    await db.query(
      `CREATE TRIGGER committed_changes_probe AFTER INSERT OR UPDATE OR DELETE ON identity.${table} FOR EACH ROW EXECUTE FUNCTION ${PROBE_SCHEMA}.note()`,
    );
  }
  return {
    async list() {
      const rows: { tbl: string; op: CommittedChange['op'] }[] = await db.query(
        `SELECT tbl, op FROM ${PROBE_SCHEMA}.changes ORDER BY n`,
      );
      return rows.map((r) => ({ table: r.tbl, op: r.op }));
    },
    async clear() {
      await db.query(`DELETE FROM ${PROBE_SCHEMA}.changes`);
    },
  };
}
