export { MIN_PSEUDONYM_KEY_BYTES, Pseudonymizer } from './address.pseudonymizer';
export { createLogger, LOG_REDACT_KEYS, logRedactPaths, type LoggerOptions } from './logger.factory';
export { sanitizeLogValue } from './log-value.sanitizer';
export { NestPinoLogger } from './nest-pino.logger';
export { NdjsonFileSpanExporter, toSpanRecord, type SpanRecord } from './ndjson-file-span.exporter';
export { RedactingSpanExporter } from './redacting-span.exporter';
export { isPersonalKey, isSecretKey, PERSONAL_KEY_WORDS, SECRET_KEY_WORDS } from './sensitive-keys.constants';
export { maskQueryValues, maskSqlLiterals, VISIBLE_QUERY_PARAMETERS } from './span-attribute.masks';
export { redactAttributes, redactSpan } from './span.redactor';
export { startTelemetry, type TelemetryHandle, type TelemetryOptions } from './telemetry.bootstrap';
export { readTelemetrySettings, type TelemetrySettings } from './telemetry.settings';
export { maskSecretsInText, REDACTED, scrubText } from './text.scrubber';
export {
  extractTraceContext,
  injectTraceContext,
  type TraceCarrierReader,
  type TraceCarrierWriter,
} from './trace-context.propagation';
export { withSpan } from './with-span.helper';
