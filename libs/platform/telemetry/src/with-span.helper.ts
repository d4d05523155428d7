import {
  type Attributes,
  type Context,
  context,
  type Span,
  type SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

const TRACER = '@ferry/platform/telemetry';

/**
 * Runs `fn` inside a new active span and returns its result. A thrown error is recorded on the span
 * as an exception event with status ERROR, then rethrown; on success the status stays UNSET, as the
 * OpenTelemetry specification asks of instrumentation. The span always ends. `parentContext`
 * (default: the active context) is where a consumer passes the result of `extractTraceContext`.
 */
export async function withSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
  parentContext: Context = context.active(),
): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { kind, attributes }, parentContext, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.name });
      throw err;
    } finally {
      span.end();
    }
  });
}
