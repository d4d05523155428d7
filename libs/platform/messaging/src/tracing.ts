import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('@ferry/platform/messaging');

/** `messaging.operation.type` of each span kind this library opens (OpenTelemetry messaging conventions). */
const OPERATION: Partial<Record<SpanKind, string>> = {
  [SpanKind.PRODUCER]: 'send',
  [SpanKind.CLIENT]: 'send',
  [SpanKind.SERVER]: 'process',
  [SpanKind.CONSUMER]: 'process',
};

/**
 * Runs `fn` inside a messaging span (OpenTelemetry messaging conventions), recording failures. The
 * attributes are the system, the subject (relative to the installation prefix: domain, version, region
 * and ids, never an address) and the payload size; never the payload, which can hold secrets.
 */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  subject: string,
  parent: Context,
  fn: (span: Span) => Promise<T>,
  bodySize?: number,
): Promise<T> {
  const attributes = {
    'messaging.system': 'nats',
    'messaging.destination.name': subject,
    ...(OPERATION[kind] ? { 'messaging.operation.type': OPERATION[kind] } : {}),
    ...(bodySize === undefined ? {} : { 'messaging.message.body.size': bodySize }),
  };
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
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
  });
}

export { context, SpanKind };
