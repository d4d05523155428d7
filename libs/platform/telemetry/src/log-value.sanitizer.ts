import { isPersonalKey, isSecretKey } from './sensitive-keys.constants';
import { REDACTED } from './text.scrubber';

/** Nesting below which a logged value is cut off; keeps a pathological object from stalling a log call. */
const MAX_DEPTH = 8;

type Scrub = (text: string) => string;

/**
 * A copy of a value about to be logged, safe to write: credential- and person-named keys masked at
 * any depth, every string scrubbed, binary data replaced by its length, errors copied with scrubbed
 * message and stack (still `instanceof Error`, so pino serialises them as errors). Cycles and
 * excessive depth are cut. The original is never modified.
 */
export function sanitizeLogValue(value: unknown, scrub: Scrub): unknown {
  return sanitize(value, scrub, 0, new WeakSet());
}

function sanitize(value: unknown, scrub: Scrub, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  seen.add(value);
  try {
    if (value instanceof Error) return sanitizeError(value, scrub, depth, seen);
    if (Array.isArray(value)) return value.map((item) => sanitize(item, scrub, depth + 1, seen));
    if (value instanceof Map)
      return sanitizeEntries(
        [...value.entries()].map(([k, v]) => [String(k), v]),
        scrub,
        depth,
        seen,
      );
    if (value instanceof Set) return [...value].map((item) => sanitize(item, scrub, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return sanitize(toJSON.call(value), scrub, depth + 1, seen);
    return sanitizeEntries(Object.entries(value), scrub, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function sanitizeEntries(
  entries: [string, unknown][],
  scrub: Scrub,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    out[key] = isSensitive(key, item) ? REDACTED : sanitize(item, scrub, depth + 1, seen);
  }
  return out;
}

function isSensitive(key: string, value: unknown): boolean {
  return value !== undefined && value !== null && (isSecretKey(key) || isPersonalKey(key));
}

function sanitizeError(err: Error, scrub: Scrub, depth: number, seen: WeakSet<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Error & Record<string, unknown>;
  const hidden = (key: string, item: unknown) =>
    Object.defineProperty(copy, key, { value: item, enumerable: false, writable: true, configurable: true });
  hidden('message', scrub(err.message));
  if (typeof err.stack === 'string') hidden('stack', scrub(err.stack));
  if ('cause' in err && err.cause !== undefined) hidden('cause', sanitize(err.cause, scrub, depth + 1, seen));
  if (err instanceof AggregateError) hidden('errors', sanitize(err.errors, scrub, depth + 1, seen));
  for (const [key, item] of Object.entries(err)) {
    copy[key] = isSensitive(key, item) ? REDACTED : sanitize(item, scrub, depth + 1, seen);
  }
  return copy;
}
