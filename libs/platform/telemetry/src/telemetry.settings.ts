import {
  base64KeyValue,
  ConfigError,
  type Env,
  enumValue,
  loadConfig,
  optionalVar,
  regionField,
  stringValue,
} from '@ferry/platform/config';
import { z } from 'zod';

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** What `startTelemetry` reads from the environment, validated. */
export interface TelemetrySettings {
  /** `FERRY_REGION`, written as the `cloud.region` resource attribute. */
  readonly region: string;
  /** Where OTLP/HTTP JSON traces go, if anywhere. */
  readonly otlpTracesUrl?: string;
  /** `FERRY_TRACE_FILE`: NDJSON trace file, if any. */
  readonly traceFile?: string;
  /** `FERRY_PSEUDONYM_KEY`; required whenever traces are exported. */
  readonly pseudonymKey?: string;
  /** Non-fatal findings for the service to log once its logger exists. */
  readonly warnings: readonly string[];
}

// DESIGN invariant 6 (TLS on every connection Ferry opens): plaintext only to a collector on loopback.
function otlpEndpointValue() {
  return stringValue().refine(
    isAllowedEndpoint,
    'must be an https:// URL (http:// only to a loopback address)',
  );
}

function isAllowedEndpoint(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  } catch {
    return false;
  }
}

const PROTOCOLS = ['http/json', 'http/protobuf'] as const;

const telemetryEnvSchema = z.object({
  FERRY_REGION: regionField(),
  FERRY_TRACE_FILE: optionalVar(stringValue()),
  FERRY_PSEUDONYM_KEY: optionalVar(base64KeyValue(32)),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalVar(otlpEndpointValue()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalVar(otlpEndpointValue()),
  OTEL_EXPORTER_OTLP_PROTOCOL: optionalVar(enumValue(PROTOCOLS)),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optionalVar(enumValue(PROTOCOLS)),
});

/**
 * Reads and validates the telemetry variables. Throws `ConfigError` naming each bad one, and when
 * traces would be exported without `FERRY_PSEUDONYM_KEY` (the exporter cannot pseudonymise without it).
 */
export function readTelemetrySettings(env: Env): TelemetrySettings {
  const { config } = loadConfig(telemetryEnvSchema, env);
  const otlpTracesUrl =
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? tracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const exporting = otlpTracesUrl !== undefined || config.FERRY_TRACE_FILE !== undefined;
  if (exporting && config.FERRY_PSEUDONYM_KEY === undefined) {
    throw new ConfigError([{ variable: 'FERRY_PSEUDONYM_KEY', reason: 'required when traces are exported' }]);
  }
  const protocol = config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL;
  const warnings =
    otlpTracesUrl !== undefined && protocol === 'http/protobuf'
      ? [
          'OTEL_EXPORTER_OTLP_PROTOCOL is http/protobuf, but traces are sent as http/json (the encoding of ' +
            '@opentelemetry/exporter-trace-otlp-http); OTLP/HTTP receivers accept both on the same path',
        ]
      : [];
  return {
    region: config.FERRY_REGION,
    ...(otlpTracesUrl !== undefined ? { otlpTracesUrl } : {}),
    ...(config.FERRY_TRACE_FILE !== undefined ? { traceFile: config.FERRY_TRACE_FILE } : {}),
    ...(config.FERRY_PSEUDONYM_KEY !== undefined ? { pseudonymKey: config.FERRY_PSEUDONYM_KEY } : {}),
    warnings,
  };
}

// The OTLP specification: a signal-agnostic endpoint gets `v1/traces` appended.
function tracesUrl(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
