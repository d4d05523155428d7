import type { DataSource, EntityTarget, ObjectLiteral, QueryRunner } from 'typeorm';

/** The two server targets; SQL differs between them only where a statement has no common form. */
export type SqlDialect = 'postgres' | 'mssql';

export function dialectOf(db: DataSource): SqlDialect {
  return db.options.type === 'mssql' ? 'mssql' : 'postgres';
}

/** The entity's table, schema-qualified and quoted for the connection's dialect, for hand-written SQL. */
export function quotedTable(db: DataSource, entity: EntityTarget<ObjectLiteral>): string {
  const { schema, tableName } = db.getMetadata(entity);
  const escape = (name: string) => db.driver.escape(name);
  return schema ? `${escape(schema)}.${escape(tableName)}` : escape(tableName);
}

/** Column types for hand-written migrations, per dialect (TypeORM has no single spelling for both). */
export function columnTypes(q: QueryRunner) {
  const mssql = q.connection.options.type === 'mssql';
  return {
    timestamp: mssql ? 'datetimeoffset' : 'timestamp with time zone',
    boolean: mssql ? 'bit' : 'boolean',
    longText: mssql ? 'nvarchar(max)' : 'text',
    /** Unicode text of bounded length (display names, emails). */
    unicode: mssql ? 'nvarchar' : 'varchar',
  } as const;
}

/** The service schema the migrations write into. */
export function schemaOf(q: QueryRunner): string {
  return (q.connection.options as { schema?: string }).schema ?? 'identity';
}

/** `RETURNING *` / `OUTPUT DELETED.*` for a query builder's `returning()`. */
export function returnAll(db: DataSource, kind: 'delete' | 'update'): string {
  if (dialectOf(db) === 'postgres') return '*';
  return kind === 'delete' ? 'DELETED.*' : 'INSERTED.*';
}

/** The rows a query builder's `returning()` gave back, whatever the driver wraps them in. */
export function returnedRows(raw: unknown): Record<string, unknown>[] {
  if (!Array.isArray(raw)) return [];
  // PostgreSQL reports DELETE/UPDATE as [rows, count].
  if (raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number')
    return raw[0] as Record<string, unknown>[];
  return raw as Record<string, unknown>[];
}

/** A database timestamp as a Date (drivers return Date; raw rows may carry strings). */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}
