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
