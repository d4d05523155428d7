import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** The two server targets; hand-written SQL differs between them where a statement has no common form. */
export type AuditSqlDialect = 'postgres' | 'mssql';

export function auditDialect(source: DataSource): AuditSqlDialect {
  return source.options.type === 'mssql' ? 'mssql' : 'postgres';
}

/** An entity's schema-qualified, quoted table name for hand-written SQL. */
export function auditTable(db: DataSource, entity: EntityTarget<ObjectLiteral>): string {
  const meta = db.getMetadata(entity);
  const quote = (name: string) => db.driver.escape(name);
  return meta.schema ? `${quote(meta.schema)}.${quote(meta.tableName)}` : quote(meta.tableName);
}

/** Positional parameter `i` (0-based) in the dialect's spelling. */
export function param(dialect: AuditSqlDialect, i: number): string {
  return dialect === 'postgres' ? `$${i + 1}` : `@${i}`;
}

/** `LIMIT n` / `OFFSET 0 ROWS FETCH NEXT n ROWS ONLY` after an ORDER BY. */
export function limitClause(dialect: AuditSqlDialect, n: number): string {
  return dialect === 'postgres' ? `LIMIT ${Math.trunc(n)}` : `OFFSET 0 ROWS FETCH NEXT ${Math.trunc(n)} ROWS ONLY`;
}

/** A driver's bigint (string or number) as a bigint. */
export function toBigInt(value: unknown): bigint {
  return BigInt(typeof value === 'bigint' ? value : String(value));
}

/** A driver's timestamp as a Date. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** A fixed-width hash column as stored text (trailing blanks some drivers add to char(n) removed). */
export function toHash(value: unknown): string {
  return String(value).trimEnd();
}

const TRANSIENT = new Set(['40001', '40P01', '1205']); // serialization failure, deadlock (PostgreSQL, SQL Server)
const UNIQUE_VIOLATION = new Set(['23505', '2627', '2601']);

function codeOf(err: unknown): string {
  const e = err as { code?: string | number; number?: number; driverError?: { code?: string | number; number?: number } } | undefined;
  return String(e?.driverError?.code ?? e?.code ?? e?.driverError?.number ?? e?.number ?? '');
}

/** A conflict another transaction caused: trying again may succeed. */
export function isRetryableConflict(err: unknown): boolean {
  const code = codeOf(err);
  return TRANSIENT.has(code) || UNIQUE_VIOLATION.has(code);
}

export function isUniqueViolation(err: unknown): boolean {
  return UNIQUE_VIOLATION.has(codeOf(err));
}

/** PostgreSQL's data-exception and integrity classes (22, 23) and SQL Server's truncation: the rows, not the server. */
export function isDataError(err: unknown): boolean {
  const code = codeOf(err);
  return /^2[23][0-9A-Z]{3}$/.test(code) || code === '8152' || code === '2628';
}
