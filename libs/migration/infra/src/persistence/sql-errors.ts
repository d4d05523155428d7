/** PostgreSQL's SQLSTATE and SQL Server's error numbers for the violations the stores expect. */
const UNIQUE_VIOLATIONS = new Set(['23505', '2627', '2601']);
const FOREIGN_KEY_VIOLATIONS = new Set(['23503', '547']);

/** The driver's error code of a failed query, whichever driver raised it ('' when none). */
function driverCode(err: unknown): string {
  const e = err as {
    driverError?: { code?: string; number?: number };
    code?: string;
    number?: number;
  } | null;
  return String(e?.driverError?.code ?? e?.driverError?.number ?? e?.code ?? e?.number ?? '');
}

/** Whether a write hit a primary key or unique index (never reads the message: it can quote values). */
export function isUniqueViolation(err: unknown): boolean {
  return UNIQUE_VIOLATIONS.has(driverCode(err));
}

/** Whether a write referred to a parent row that does not exist (or no longer does). */
export function isForeignKeyViolation(err: unknown): boolean {
  return FOREIGN_KEY_VIOLATIONS.has(driverCode(err));
}
