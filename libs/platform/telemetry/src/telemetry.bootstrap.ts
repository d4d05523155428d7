import { ConfigError, type Env } from '@ferry/platform/config';
import { diag } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { TediousInstrumentation } from '@opentelemetry/instrumentation-tedious';
import { defaultResource, envDetector, hostDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HealthCheckDroppingSampler } from './health-check.sampler';
import { HttpRouteSpanProcessor } from './http-route.span-processor';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { Pseudonymizer } from './address.pseudonymizer';
import { NdjsonFileSpanExporter } from './ndjson-file-span.exporter';
import { RedactingSpanExporter } from './redacting-span.exporter';
import { readTelemetrySettings, type TelemetrySettings } from './telemetry.settings';

/** Options for {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name`, e.g. `gateway`. */
  readonly serviceName: string;
  /** `service.version`, omitted when not given. */
  readonly serviceVersion?: string;
  /** Where settings are read from; default `process.env`. */
  readonly env?: Env;
}

/** A running telemetry pipeline. */
export interface TelemetryHandle {
  /** The exporters in use: `otlp`, `file`, both or none (spans then only feed trace ids to logs and headers). */
  readonly exporters: readonly ('otlp' | 'file')[];
  /** Non-fatal configuration findings, for the service to log once its logger exists. */
  readonly warnings: readonly string[];
  /** Flushes queued spans and stops the SDK; resolves within `timeoutMs` (default 5000) even if an exporter hangs. */
  shutdown(timeoutMs?: number): Promise<void>;
}

let started = false;

/**
 * Starts OpenTelemetry for this process: resource (`service.name`, `service.version`, `cloud.region`
 * from `FERRY_REGION`), W3C trace-context propagation, and instrumentation of http (server and
 * client), pg, tedious and Nest; HTTP server spans are named by their route template.
 * Spans are exported, redacted first, over OTLP/HTTP JSON when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `..._TRACES_ENDPOINT`) is set and/or to the NDJSON file `FERRY_TRACE_FILE`.
 *
 * Call it first in `main.ts`, before anything imports `http`, `pg`, `tedious` or Nest: instrumentation works
 * by patching modules as they load. Once per process. Throws `ConfigError` on invalid settings.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  if (started) throw new Error('startTelemetry() was already called in this process');
  const settings = readTelemetrySettings(options.env ?? process.env);
  const exporters = createExporters(settings);
  const pseudonymizer = settings.pseudonymKey ? Pseudonymizer.fromBase64(settings.pseudonymKey) : undefined;
  const spanProcessors: SpanProcessor[] = [
    new HttpRouteSpanProcessor(),
    // Without an exporter spans are still made, for the trace ids in logs, headers and audit records.
    ...(exporters.length === 0 || !pseudonymizer
      ? []
      : exporters.map(
          ({ exporter }) => new BatchSpanProcessor(new RedactingSpanExporter(exporter, pseudonymizer)),
        )),
  ];

  const instrumentations = [
    // No request or response headers become attributes (the default): they carry tokens and cookies.
    new HttpInstrumentation(),
    // Query parameters stay out of spans: they can hold addresses and credentials.
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    // Azure SQL; no trace context is written into the session (enableTraceContextPropagation off).
    new TediousInstrumentation(),
    new NestInstrumentation(),
  ];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    sampler: new ParentBasedSampler({ root: new HealthCheckDroppingSampler() }),
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
        // semconv `cloud.region` (incubating, so spelled out rather than imported).
        'cloud.region': settings.region,
      }),
    ),
    // Not the process detector: process.command_args can carry secrets passed on a command line.
    resourceDetectors: [envDetector, hostDetector],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations,
    spanProcessors,
    // Traces only: without these the SDK would start OTLP metric and log exporters from defaults.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  started = true;

  let stopping: Promise<void> | undefined;
  return {
    exporters: exporters.map(({ kind }) => kind),
    warnings: settings.warnings,
    shutdown: (timeoutMs = 5000) =>
      (stopping ??= boundedShutdown(sdk, timeoutMs).then(() => instrumentations.forEach((i) => i.disable()))),
  };
}

function createExporters(settings: TelemetrySettings): { kind: 'otlp' | 'file'; exporter: SpanExporter }[] {
  const exporters: { kind: 'otlp' | 'file'; exporter: SpanExporter }[] = [];
  if (settings.otlpTracesUrl) {
    exporters.push({
      kind: 'otlp',
      exporter: new OTLPTraceExporter({ url: settings.otlpTracesUrl, timeoutMillis: 10_000 }),
    });
  }
  if (settings.traceFile) {
    try {
      exporters.push({ kind: 'file', exporter: new NdjsonFileSpanExporter(settings.traceFile) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new ConfigError([
        { variable: 'FERRY_TRACE_FILE', reason: `cannot be opened for appending (${code})` },
      ]);
    }
  }
  return exporters;
}

async function boundedShutdown(sdk: NodeSDK, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      diag.warn(`telemetry shutdown did not finish within ${timeoutMs} ms; unexported spans were dropped`);
      resolve();
    }, timeoutMs);
    timer.unref();
  });
  const stop = sdk.shutdown().catch((err: unknown) => diag.warn('telemetry shutdown failed', err));
  try {
    await Promise.race([stop, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
