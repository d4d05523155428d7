import { z } from 'zod';
import {
  base64KeyValue,
  databaseUrlValue,
  defaultedVar,
  enumValue,
  integerValue,
  optionalVar,
  patternValue,
  readableFileValue,
  requiredVar,
  stringValue,
  urlListValue,
} from './field.builders';

/** pino's level names, most to least verbose, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** One MiB, the default request body limit. */
export const MIB = 1024 * 1024;

/** `NATS_URL`: required list of `nats://` / `tls://` server URLs, comma-separated. */
export const natsUrlField = () => requiredVar(urlListValue(['nats', 'tls']));

/** An optional PEM file path (`NATS_TLS_CA`, `NATS_TLS_CERT`, `NATS_TLS_KEY`); the file must be readable. */
export const tlsFileField = () => optionalVar(readableFileValue());

/** `HTTP_PORT`: required TCP port. */
export const httpPortField = () => requiredVar(integerValue({ min: 1, max: 65535 }));

/** `HTTP_HOST`: interface to listen on, default `0.0.0.0`. */
export const httpHostField = () =>
  defaultedVar(patternValue(/^[A-Za-z0-9.:[\]-]{1,253}$/, 'a host name or IP address'), '0.0.0.0');

/** `LOG_LEVEL`: a pino level, default `info`. */
export const logLevelField = () => defaultedVar(enumValue(LOG_LEVELS), 'info');

/** `FERRY_REGION`: lower-case token naming the data region, default `local`. */
export const regionField = () =>
  defaultedVar(patternValue(/^[a-z0-9-]{1,32}$/, '1-32 characters of a-z, 0-9 and -'), 'local');

/** `FERRY_PSEUDONYM_KEY`: required base64 HMAC key (>= 32 bytes) for address pseudonyms. */
export const pseudonymKeyField = () => requiredVar(base64KeyValue(32));

/** `SHUTDOWN_TIMEOUT_MS`: bound on graceful shutdown, default 10000, at most 60000. */
export const shutdownTimeoutField = () =>
  defaultedVar(integerValue({ min: 100, max: 60_000, unit: 'milliseconds' }), 10_000);

/** `HTTP_BODY_LIMIT`: largest accepted request body in bytes, default 1 MiB, at most 10 MiB. */
export const httpBodyLimitField = () =>
  defaultedVar(integerValue({ min: 1024, max: 10 * MIB, unit: 'bytes' }), MIB);

/** `FERRY_NATS_PREFIX`: optional installation prefix for subjects and streams (see messaging). */
export const natsPrefixField = () =>
  optionalVar(patternValue(/^[a-z0-9_-]{1,32}$/, '1-32 characters of a-z, 0-9, _ and -'));

/**
 * `HTTP_TRUST_PROXY`: which proxies in front of the listener to believe for the client address
 * (X-Forwarded-For), in Express `trust proxy` terms: unset trusts none; a number trusts that many hops;
 * otherwise a comma-separated list of addresses, CIDR ranges or the names `loopback`, `linklocal`,
 * `uniquelocal`. Behind the ingress, set it to the ingress' address range, or sign-in throttling
 * counts every user as the ingress.
 */
export const httpTrustProxyField = () =>
  optionalVar(
    z
      .string()
      .regex(/^(\d{1,2}|[A-Za-z0-9.:/]{1,64}(\s*,\s*[A-Za-z0-9.:/]{1,64}){0,31})$/, 'must be a hop count or a comma-separated list of addresses, CIDR ranges or loopback/linklocal/uniquelocal')
      .transform((v): number | string[] => (/^\d+$/.test(v) ? Number(v) : v.split(',').map((p) => p.trim()))),
  );

/**
 * `FERRY_IDENTITY_ISSUER`: the `iss` of identity's access tokens, which every verifier checks; default
 * `urn:ferry:identity`. Set it per installation so tokens of one installation mean nothing to another.
 */
export const identityIssuerField = () =>
  defaultedVar(patternValue(/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]{1,200}$/, 'a URI (e.g. urn:ferry:identity or https://ferry.example.com/identity)'), 'urn:ferry:identity');

/** `DATABASE_URL`, required (see {@link withDatabase}). */
export const databaseUrlField = () => requiredVar(databaseUrlValue());

/**
 * The settings every Ferry service reads. Services extend it with their own:
 * `baseServiceSchema.extend({ MY_SETTING: requiredVar(stringValue()) })`. It carries no refinements
 * (zod refuses to override keys of a refined object); the rule that a client certificate and its key
 * are set together is {@link PAIRED_VARIABLES}, which `loadConfig` applies.
 */
export const baseServiceSchema = z.object({
  NATS_URL: natsUrlField(),
  NATS_TLS_CA: tlsFileField(),
  NATS_TLS_CERT: tlsFileField(),
  NATS_TLS_KEY: tlsFileField(),
  FERRY_NATS_PREFIX: natsPrefixField(),
  HTTP_PORT: httpPortField(),
  HTTP_HOST: httpHostField(),
  HTTP_BODY_LIMIT: httpBodyLimitField(),
  HTTP_TRUST_PROXY: httpTrustProxyField(),
  LOG_LEVEL: logLevelField(),
  FERRY_REGION: regionField(),
  FERRY_PSEUDONYM_KEY: pseudonymKeyField(),
  FERRY_IDENTITY_ISSUER: identityIssuerField(),
  FERRY_TRACE_FILE: optionalVar(stringValue()),
  SHUTDOWN_TIMEOUT_MS: shutdownTimeoutField(),
  DATABASE_URL: optionalVar(databaseUrlValue()),
});

/** Settings that only make sense together: when a schema reads both, setting one requires the other. */
export const PAIRED_VARIABLES: readonly (readonly [string, string])[] = [['NATS_TLS_CERT', 'NATS_TLS_KEY']];

/** The validated settings of {@link baseServiceSchema}. */
export type BaseServiceConfig = z.infer<typeof baseServiceSchema>;

/** `schema` with `DATABASE_URL` required, for services that own tables. */
export function withDatabase<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  return schema.extend({ DATABASE_URL: databaseUrlField() });
}
