import { appendFile, closeSync, openSync } from 'node:fs';
import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One line of a trace file: a finished span. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** `null` for a root span. */
  readonly parentSpanId: string | null;
  readonly name: string;
  /** `INTERNAL`, `SERVER`, `CLIENT`, `PRODUCER` or `CONSUMER`. */
  readonly kind: string;
  /** The `service.name` resource attribute. */
  readonly service: string;
  /** ISO 8601, millisecond precision. */
  readonly startTime: string;
  readonly endTime: string;
  readonly durationMs: number;
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message?: string };
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly {
    readonly name: string;
    readonly time: string;
    readonly attributes: Readonly<Record<string, unknown>>;
  }[];
}

/**
 * Appends finished spans to a file as NDJSON, one {@link SpanRecord} per line: a trace sink that
 * needs no collector (single-machine runs, end-to-end tests). The file is opened for appending when
 * the exporter is created, so a bad path fails at start; each batch is written with one append, in
 * order. Use it behind a batching processor and a `RedactingSpanExporter`.
 */
export class NdjsonFileSpanExporter implements SpanExporter {
  private readonly fd: number;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  /** @param path the trace file; created with mode 0600 if missing, never truncated. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  /** Serialises `spans` and appends them after every earlier batch. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('trace file exporter is shut down') });
      return;
    }
    const text = spans.map((span) => `${JSON.stringify(toSpanRecord(span))}\n`).join('');
    this.queue = this.queue
      .then(() => append(this.fd, text))
      .then(
        () => resultCallback({ code: ExportResultCode.SUCCESS }),
        (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
      );
  }

  /** Resolves once every batch handed over so far is written. */
  forceFlush(): Promise<void> {
    return this.queue;
  }

  /** Writes what is queued and closes the file. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    closeSync(this.fd);
  }
}

function append(fd: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => appendFile(fd, text, (err) => (err ? reject(err) : resolve())));
}

/** The NDJSON record for one span. */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const service = span.resource.attributes['service.name'];
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: SpanKind[span.kind],
    service: typeof service === 'string' ? service : 'unknown_service',
    startTime: isoTime(span.startTime),
    endTime: isoTime(span.endTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status: {
      code: statusName(span.status.code),
      ...(span.status.message ? { message: span.status.message } : {}),
    },
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({
      name: event.name,
      time: isoTime(event.time),
      attributes: { ...event.attributes },
    })),
  };
}

function statusName(code: SpanStatusCode): 'UNSET' | 'OK' | 'ERROR' {
  switch (code) {
    case SpanStatusCode.UNSET:
      return 'UNSET';
    case SpanStatusCode.OK:
      return 'OK';
    case SpanStatusCode.ERROR:
      return 'ERROR';
  }
}

function isoTime(time: HrTime): string {
  return new Date(hrTimeToMilliseconds(time)).toISOString();
}
