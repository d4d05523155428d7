import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('@ferry/platform/messaging');

/** Runs `fn` inside a messaging span (OpenTelemetry messaging conventions), recording failures. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  subject: string,
  parent: Context,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } },
    parent,
    async (span) => {
      try {
        const result = await fn(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (err) {
        span.recordException({ name: (err as Error).name, message: (err as Error).message });
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

export { context, SpanKind };
