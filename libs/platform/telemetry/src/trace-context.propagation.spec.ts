import { installSpanCapture, type SpanCapture } from '@ferry/platform/testing';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext } from './trace-context.propagation';
import { withSpan } from './with-span.helper';

/** A plain Map-backed carrier, like message headers. */
function mapCarrier(missing: undefined | '' = undefined) {
  const map = new Map<string, string>();
  return {
    map,
    set: (k: string, v: string) => void map.set(k, v),
    get: (k: string) => map.get(k) ?? missing,
    keys: () => map.keys(),
  };
}

describe('trace context propagation', () => {
  let capture: SpanCapture;
  beforeAll(() => (capture = installSpanCapture()));
  afterEach(() => capture.reset());
  afterAll(() => capture.uninstall());

  it('round-trips a traceparent so the consumer span joins the producer’s trace', async () => {
    const carrier = mapCarrier();
    await withSpan('publish migration.v1.items', SpanKind.PRODUCER, { 'messaging.system': 'nats' }, () =>
      injectTraceContext(carrier),
    );
    expect(carrier.map.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const parent = extractTraceContext(carrier);
    await withSpan('process migration.v1.items', SpanKind.CONSUMER, {}, () => undefined, parent);

    const [producer, consumer] = await capture.finished();
    expect(consumer?.spanContext().traceId).toBe(producer?.spanContext().traceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
    expect(consumer?.kind).toBe(SpanKind.CONSUMER);
  });

  it('treats empty-string header values (as nats.js returns for missing keys) as no parent', async () => {
    const parent = extractTraceContext(mapCarrier(''));
    expect(trace.getSpanContext(parent)).toBeUndefined();
    await withSpan('process', SpanKind.CONSUMER, {}, () => undefined, parent);
    const [span] = await capture.finished();
    expect(span?.parentSpanContext).toBeUndefined();
  });

  it('ignores a malformed traceparent', () => {
    const carrier = mapCarrier();
    carrier.set('traceparent', '00-zz-not-a-trace');
    expect(trace.getSpanContext(extractTraceContext(carrier))).toBeUndefined();
  });

  it('injects nothing outside a span', () => {
    const carrier = mapCarrier();
    injectTraceContext(carrier, context.active());
    expect(carrier.map.size).toBe(0);
  });
});

describe('withSpan', () => {
  let capture: SpanCapture;
  beforeAll(() => (capture = installSpanCapture()));
  afterEach(() => capture.reset());
  afterAll(() => capture.uninstall());

  it('returns the function’s result and ends the span with its attributes', async () => {
    const result = await withSpan('work', SpanKind.INTERNAL, { 'ferry.items': 3 }, (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      return 42;
    });
    const [span] = await capture.finished();
    expect(result).toBe(42);
    expect(span?.ended).toBe(true);
    expect(span?.attributes).toEqual({ 'ferry.items': 3 });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a thrown error, sets status ERROR, ends the span and rethrows', async () => {
    const failure = new RangeError('out of range');
    await expect(withSpan('work', SpanKind.CONSUMER, {}, async () => Promise.reject(failure))).rejects.toBe(
      failure,
    );
    const [span] = await capture.finished();
    expect(span?.ended).toBe(true);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RangeError' });
    expect(span?.events[0]?.name).toBe('exception');
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('out of range');
  });
});
