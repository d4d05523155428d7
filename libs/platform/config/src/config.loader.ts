import type { z } from 'zod';
import { PAIRED_VARIABLES } from './base-service.schema';
import { ConfigError, type ConfigIssue } from './config.error';
import { blankToUndefined } from './field.builders';
import { unknownFerryVariables } from './unknown-variables.guard';

/** The environment as Node exposes it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A validated configuration and the non-fatal findings about the environment it came from. */
export interface LoadedConfig<T> {
  readonly config: Readonly<T>;
  /** Typo guard: `FERRY_*` variables the schema does not read, with a suggestion where one is close. */
  readonly warnings: readonly string[];
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `FERRY_*` variables read elsewhere in the process (outside the schema) that are not typos. */
  readonly knownVariables?: readonly string[];
}

/**
 * The exit code for a configuration error: EX_CONFIG (78) from BSD sysexits.h, so an orchestrator or
 * operator can tell "fix the settings" from a crash (1) without reading logs.
 */
export const EXIT_CONFIG = 78;

/**
 * Validates `env` against an object schema. Throws {@link ConfigError} listing every failing
 * variable by name and reason; values are never part of the message.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Env = process.env,
  options: LoadConfigOptions = {},
): LoadedConfig<z.output<S>> {
  const result = schema.safeParse(env);
  const issues = [
    ...(result.success ? [] : toIssues(result.error.issues, env)),
    ...pairingIssues(schema, env),
  ];
  if (!result.success || issues.length > 0) throw new ConfigError(issues);
  const known = [...Object.keys(schema.shape), ...(options.knownVariables ?? [])];
  return { config: Object.freeze(result.data), warnings: unknownFerryVariables(env, known) };
}

/**
 * {@link loadConfig} for a service's `main.ts`: on a {@link ConfigError} writes its one-line message
 * to stderr and exits with {@link EXIT_CONFIG} (78). It runs before the logger exists, which is why
 * it writes to stderr directly.
 */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: Env = process.env,
  options: LoadConfigOptions = {},
): LoadedConfig<z.output<S>> {
  return exitOnConfigError(() => loadConfig(schema, env, options));
}

/**
 * Runs `start` and returns its result; if it throws a {@link ConfigError} (e.g. `startTelemetry` on a
 * bad `OTEL_EXPORTER_OTLP_ENDPOINT`), writes the message to stderr and exits with {@link EXIT_CONFIG}.
 * Any other error is rethrown.
 */
export function exitOnConfigError<T>(start: () => T): T {
  try {
    return start();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return process.exit(EXIT_CONFIG);
  }
}

function pairingIssues(schema: z.ZodObject, env: Env): ConfigIssue[] {
  const isSet = (name: string) => blankToUndefined(env[name]) !== undefined;
  return PAIRED_VARIABLES.filter(([a, b]) => a in schema.shape && b in schema.shape).flatMap(([a, b]) => {
    if (isSet(a) && !isSet(b)) return [{ variable: b, reason: `required when ${a} is set` }];
    if (isSet(b) && !isSet(a)) return [{ variable: a, reason: `required when ${b} is set` }];
    return [];
  });
}

function toIssues(zodIssues: readonly z.core.$ZodIssue[], env: Env): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const zodIssue of zodIssues) {
    const variable = zodIssue.path.length > 0 ? zodIssue.path.map(String).join('.') : '(environment)';
    const reason = withoutValue(zodIssue.message, env[variable]);
    const key = `${variable}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ variable, reason });
  }
  return issues;
}

// The builders' reasons never quote input; this guards reasons written by service schemas that might.
function withoutValue(reason: string, raw: string | undefined): string {
  const value = raw?.trim();
  if (!value || value.length < 4) return reason;
  return reason.split(value).join('[redacted]');
}
