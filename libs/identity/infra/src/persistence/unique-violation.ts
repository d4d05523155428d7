const UNIQUE_VIOLATION = new Set(['23505', '2627', '2601']); // PostgreSQL, SQL Server

/**
 * The name of the unique constraint or index an insert violated, '' when the driver did not name it,
 * or null when the error is not a unique violation. Never returns the driver's message (it can
 * contain the duplicate value).
 */
export function violatedUniqueConstraint(err: unknown): string | null {
  const e = err as {
    code?: string;
    number?: number;
    constraint?: string;
    message?: string;
    driverError?: { code?: string; number?: number; constraint?: string; message?: string };
  };
  const code = String(e.driverError?.code ?? e.code ?? e.driverError?.number ?? e.number ?? '');
  if (!UNIQUE_VIOLATION.has(code)) return null;
  const constraint = e.driverError?.constraint ?? e.constraint;
  if (constraint) return constraint;
  const message = e.driverError?.message ?? e.message ?? '';
  return /(?:index|constraint) '([^']+)'/.exec(message)?.[1] ?? '';
}
