import { hostname } from 'node:os';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger, type LogFn } from 'pino';
import type { Pseudonymizer } from './address.pseudonymizer';
import { sanitizeLogValue } from './log-value.sanitizer';
import { REDACTED, scrubText } from './text.scrubber';

/** Key names pino masks wherever they appear in the first four levels of a log object. */
export const LOG_REDACT_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
  'email',
  'mail',
  'upn',
  'userPrincipalName',
];

/**
 * pino `redact` paths for {@link LOG_REDACT_KEYS} at depths 0-3 (`password`, `*.password`, ...,
 * `*.*.*.password`); pino needs every wildcard depth spelled out. Deeper keys are masked by the
 * logger's sanitising hook.
 */
export function logRedactPaths(keys: readonly string[] = LOG_REDACT_KEYS): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= 3; depth++) {
    for (const key of keys) {
      const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
      paths.push(depth === 0 ? segment : `${'*.'.repeat(depth)}${segment}`);
    }
  }
  return paths;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Written as `service` on every line. */
  readonly service: string;
  /** Lowest level written; default `info`. */
  readonly level?: Level | 'silent';
  /** Replaces mail addresses in messages and values with pseudonyms. */
  readonly pseudonymizer: Pseudonymizer;
  /** Where lines go; default stdout. */
  readonly destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line with `level` (name), `time` (ISO 8601), `service`,
 * and `trace_id` / `span_id` of the active span. Before a line is built, every argument is sanitised
 * (credential and person keys masked at any depth, credentials in text masked, addresses
 * pseudonymised); pino's `redact` then masks the well-known keys once more as a second line of defence.
 */
export function createLogger(options: LoggerOptions): Logger {
  const scrub = (text: string) => scrubText(text, options.pseudonymizer);
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
      },
      mixin: activeTraceFields,
      redact: { paths: logRedactPaths(), censor: REDACTED },
      hooks: {
        logMethod(args: Parameters<LogFn>, method: LogFn) {
          const safe = args.map((arg) => sanitizeLogValue(arg, scrub)) as Parameters<LogFn>;
          method.apply(this, safe);
        },
      },
    },
    options.destination,
  );
  return sanitizeBindings(logger, scrub);
}

// pino serialises child bindings at child() time and resets the bindings formatter for children, so
// the root's child/setBindings are wrapped instead; children inherit the wrappers through their prototype.
function sanitizeBindings(logger: Logger, scrub: (text: string) => string): Logger {
  // Both are re-invoked below with the `this` of whichever logger (root or descendant) is called.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { child, setBindings } = logger;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, sanitizeLogValue(bindings, scrub) as typeof bindings, childOptions);
  } as typeof child;
  logger.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, sanitizeLogValue(bindings, scrub) as typeof bindings);
  };
  return logger;
}

/** `trace_id` and `span_id` of the active span, if there is a valid one. */
function activeTraceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}
