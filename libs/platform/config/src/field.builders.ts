import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { z } from 'zod';

// Value builders parse one environment string; presence wrappers (requiredVar, optionalVar,
// defaultedVar) decide what an unset variable means. Every reason is a fixed text: no builder ever
// puts the offending value into a message, because any variable may hold a secret.

/** Reason for an unset (or blank) required variable. */
export const REQUIRED = 'required';

/** A zod error map that says `required` for a missing value and `reason` for anything else. */
function requiredOr(reason: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? REQUIRED : reason);
}

/** Trims strings and treats empty or whitespace-only values as unset (as `.env` files and Helm often leave them). */
export function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A variable that must be set (a blank value counts as unset). */
export function requiredVar<T extends z.ZodType>(value: T) {
  return z.preprocess(blankToUndefined, value);
}

/** A variable that may be unset; the config then has no such key. */
export function optionalVar<T extends z.ZodType>(value: T) {
  return z.preprocess(blankToUndefined, value.optional());
}

/** A variable that takes `fallback` when unset or blank. */
export function defaultedVar<T extends z.ZodType>(value: T, fallback: z.util.NoUndefined<z.output<T>>) {
  return z.preprocess(blankToUndefined, value.default(fallback));
}

/** A non-empty string (after trimming). */
export function stringValue() {
  return z.string({ error: requiredOr('must be a string') });
}

/** An integer in `[min, max]`, written in decimal digits only (no sign, exponent or fraction). */
export function integerValue(options: { min: number; max: number; unit?: string }) {
  const unit = options.unit ? ` ${options.unit}` : '';
  const reason = `must be an integer ${options.min}-${options.max}${unit}`;
  return z
    .string({ error: requiredOr(reason) })
    .refine((s) => /^\d{1,15}$/.test(s) && Number(s) >= options.min && Number(s) <= options.max, reason)
    .transform(Number);
}

/** One of a fixed set of lower-case words; matched case-insensitively. */
export function enumValue<const T extends readonly [string, ...string[]]>(values: T) {
  const reason = `must be one of ${values.join(', ')}`;
  return z
    .string({ error: requiredOr(reason) })
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(values, { error: reason }));
}

/** A string matching `pattern`; `description` completes "must be ...". */
export function patternValue(pattern: RegExp, description: string) {
  const reason = `must be ${description}`;
  return z.string({ error: requiredOr(reason) }).regex(pattern, reason);
}

/**
 * A comma-separated list of absolute URLs whose scheme is one of `schemes` (without `://`).
 * Reasons name the entry's position, never its text: NATS URLs may carry credentials.
 */
export function urlListValue(schemes: readonly string[]) {
  const allowed = schemes.map((s) => `${s}://`).join(' or ');
  const reason = `must be a comma-separated list of ${allowed} URLs`;
  return z.string({ error: requiredOr(reason) }).transform((s, ctx) => {
    const entries = s.split(',').map((e) => e.trim());
    entries.forEach((entry, index) => {
      if (!isUrlWithScheme(entry, schemes)) {
        ctx.addIssue({ code: 'custom', message: `${reason} (entry ${index + 1} is not one)` });
      }
    });
    return entries;
  });
}

function isUrlWithScheme(entry: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(entry);
    return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A path to an existing, readable regular file (checked at load time, so a typo fails at boot). */
export function readableFileValue() {
  const reason = 'must be the path of a readable file';
  return z
    .string({ error: requiredOr(reason) })
    .refine((path) => accessible(path, constants.R_OK, (stats) => stats.isFile()), reason);
}

/** A path to an existing directory this process may list (checked at load time, like {@link readableFileValue}). */
export function readableDirectoryValue() {
  const reason = 'must be the path of a readable directory';
  return z
    .string({ error: requiredOr(reason) })
    .refine(
      (path) => accessible(path, constants.R_OK | constants.X_OK, (stats) => stats.isDirectory()),
      reason,
    );
}

/** Whether `path` exists, this process has `access` to it, and it is of the expected `kind`. */
function accessible(path: string, access: number, kind: (stats: Stats) => boolean): boolean {
  try {
    accessSync(path, access);
    return kind(statSync(path));
  } catch {
    return false;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/** Base64 (standard or URL-safe) that decodes to at least `minBytes` bytes; stays a string. */
export function base64KeyValue(minBytes: number) {
  const reason = `must be base64 of at least ${minBytes} random bytes (e.g. openssl rand -base64 ${minBytes})`;
  return z
    .string({ error: requiredOr(reason) })
    .refine(
      (s) =>
        BASE64.test(s) &&
        Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64').length >= minBytes,
      reason,
    );
}

/**
 * A database URL with a scheme Ferry supports. Only the scheme is checked here; the persistence
 * library parses the rest (TLS mode, host, credentials) and explains what it refuses.
 */
export function databaseUrlValue() {
  const reason = 'must be a postgres://, postgresql://, mssql:// or sqlserver:// URL';
  return z
    .string({ error: requiredOr(reason) })
    .regex(/^(?:postgres|postgresql|mssql|sqlserver):\/\/\S+$/i, reason);
}
