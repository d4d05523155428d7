/**
 * Rows or ids per statement. SQL Server takes at most 2,100 parameters a statement and TypeORM binds
 * every column of every row, so a chunk times the columns bound (plus the fixed ones) stays below it.
 */
export const MAX_PARAMETERS = 2000;

/** Ids per IN list, with room for a statement's other parameters. */
export const IDS_PER_STATEMENT = 1000;

/** How many rows of `columns` bound values fit one statement. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS / columns));
}

/** Splits `items` into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
