import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes, schemaOf } from './sql-dialect';

/**
 * Email and real name move to sealed columns (`email_sealed`, `real_name_sealed`): the sealed text is
 * longer than the clear columns allowed. A migration has no key, so it cannot seal or open values:
 * it refuses to run (either way) over rows that hold one, instead of dropping them silently.
 */
export class SealAccountProfile1733600000006 implements MigrationInterface {
  name = 'SealAccountProfile1733600000006';

  async up(q: QueryRunner): Promise<void> {
    const table = `${schemaOf(q)}.accounts`;
    await refuseIfAnySet(q, ['email', 'real_name'], 'in clear; this migration cannot seal them');
    await q.addColumns(table, [
      new TableColumn({ name: 'email_sealed', type: columnTypes(q).longText, isNullable: true }),
      new TableColumn({ name: 'real_name_sealed', type: columnTypes(q).longText, isNullable: true }),
    ]);
    await q.dropColumns(table, ['email', 'real_name']);
  }

  async down(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const table = `${schemaOf(q)}.accounts`;
    await refuseIfAnySet(q, ['email_sealed', 'real_name_sealed'], 'sealed; reverting cannot open them');
    await q.addColumns(table, [
      new TableColumn({ name: 'email', type: t.unicode, length: '320', isNullable: true }),
      new TableColumn({ name: 'real_name', type: t.unicode, length: '200', isNullable: true }),
    ]);
    await q.dropColumns(table, ['email_sealed', 'real_name_sealed']);
  }
}

/** Throws, naming the columns and a count (never a value), when any account has one of them set. */
async function refuseIfAnySet(q: QueryRunner, columns: readonly string[], why: string): Promise<void> {
  const escape = (name: string) => q.connection.driver.escape(name);
  const where = columns.map((c) => `${escape(c)} IS NOT NULL`).join(' OR ');
  const rows = (await q.query(
    `SELECT COUNT(*) AS n FROM ${escape(schemaOf(q))}.${escape('accounts')} WHERE ${where}`,
  )) as { n: number | string }[];
  const n = Number(rows[0]?.n ?? 0);
  if (n > 0)
    throw new Error(
      `${n} account(s) hold ${columns.join(' or ')} ${why}; clear those columns first (they are optional) and re-enter the values afterwards`,
    );
}
