import type { SqlDialect } from './sql-dialect';

/**
 * The one statement that counts a failure atomically: insert the key's first failure, or add one
 * to it (starting a new window when the old one ended), and return the new count and lock end.
 * Parameters, in order: key, end of a window that starts now, now. `table` is already quoted.
 * Both forms evaluate every SET expression against the row as it was before the statement.
 */
export function throttleUpsertSql(dialect: SqlDialect, table: string): string {
  switch (dialect) {
    case 'postgres':
      // ON CONFLICT serialises concurrent first failures on the primary key: none is lost.
      return `INSERT INTO ${table} AS t (throttle_key, failures, window_ends_at, locked_until)
VALUES ($1, 1, $2, NULL)
ON CONFLICT (throttle_key) DO UPDATE SET
  failures = CASE WHEN t.window_ends_at > $3 THEN t.failures + 1 ELSE 1 END,
  window_ends_at = CASE WHEN t.window_ends_at > $3 THEN t.window_ends_at ELSE EXCLUDED.window_ends_at END
RETURNING failures, locked_until`;
    case 'mssql':
      // HOLDLOCK keeps the key range locked from match to insert, which MERGE alone does not.
      // Not yet exercised against SQL Server: the test servers are PostgreSQL.
      return `MERGE ${table} WITH (HOLDLOCK) AS t
USING (SELECT @0 AS throttle_key) AS s ON t.throttle_key = s.throttle_key
WHEN MATCHED THEN UPDATE SET
  failures = CASE WHEN t.window_ends_at > @2 THEN t.failures + 1 ELSE 1 END,
  window_ends_at = CASE WHEN t.window_ends_at > @2 THEN t.window_ends_at ELSE @1 END
WHEN NOT MATCHED THEN INSERT (throttle_key, failures, window_ends_at, locked_until) VALUES (@0, 1, @1, NULL)
OUTPUT INSERTED.failures, INSERTED.locked_until;`;
  }
}
