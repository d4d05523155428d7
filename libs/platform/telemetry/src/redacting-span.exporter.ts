import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Pseudonymizer } from './address.pseudonymizer';
import { redactSpan } from './span.redactor';

/**
 * Decorates an exporter so that every span it receives has been redacted first (see `redactSpan`).
 * Redaction happens at export, after the span ended, so attributes set late by instrumentations
 * (status codes, exception events) are covered too. Every exporter `startTelemetry` configures is
 * wrapped in one.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly pseudonymizer: Pseudonymizer,
  ) {}

  /** Redacts `spans` and hands the copies to the wrapped exporter. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let redacted: ReadableSpan[];
    try {
      redacted = spans.map((span) => redactSpan(span, this.pseudonymizer));
    } catch (err) {
      // Never fall back to exporting the unredacted spans.
      resultCallback({
        code: ExportResultCode.FAILED,
        error: err instanceof Error ? err : new Error(String(err)),
      });
      return;
    }
    this.inner.export(redacted, resultCallback);
  }

  /** Flushes the wrapped exporter. */
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  /** Shuts the wrapped exporter down. */
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
