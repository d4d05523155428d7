/** A database URL or persistence option that Ferry refuses; the message never carries credentials. */
export class DatabaseConfigError extends Error {
  override readonly name = 'DatabaseConfigError';
}

/**
 * Replaces every occurrence of `secret` (raw and percent-encoded) in `text`. Drivers echo what
 * they were given in some messages, so anything logged or returned passes through here.
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  const forms = new Set([secret, encodeURIComponent(secret)]);
  let out = text;
  for (const form of forms) out = out.split(form).join('***');
  return out;
}

/** The message of an unknown thrown value, with `secret` redacted. */
export function errorMessage(err: unknown, secret?: string): string {
  // Duck-typed: errors from another realm (vm contexts, test runners) fail `instanceof Error`.
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    code?: unknown;
    name?: unknown;
  };
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  const raw =
    typeof e.message === 'string' && e.message !== ''
      ? e.message
      : typeof e.code === 'string'
        ? e.code
        : typeof e.name === 'string' && e.name !== ''
          ? e.name
          : String(err);
  return redactSecret(raw, secret);
}

// Two-character class (digits, or F0, HV, P0, XX) and three characters: not a Node code such as EPIPE.
const SQLSTATE = /^(?:[0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/**
 * What a failed query's log line says of the error: the server's code (PostgreSQL SQLSTATE, SQL Server
 * error number) and not its message, which can quote a statement's values; an error without a server
 * code (a dropped connection, a timeout) is named by its message, `secret` redacted.
 */
export function queryErrorSummary(err: unknown, secret?: string): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; number?: unknown };
  if (typeof e.code === 'string' && SQLSTATE.test(e.code)) return `SQLSTATE ${e.code}`;
  if (typeof e.number === 'number') return `SQL Server error ${e.number}`;
  return errorMessage(err, secret);
}
