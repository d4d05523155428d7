import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry.bootstrap';

// startTelemetry owns process-wide globals and may run once per process: this file holds the only
// call without exporters; the export pipeline has its own spec file.
describe('startTelemetry without an exporter', () => {
  const telemetry = startTelemetry({ serviceName: 'telemetry-spec', serviceVersion: '0.0.0-test', env: {} });
  afterAll(() => telemetry.shutdown());

  it('reports that nothing is exported', () => {
    expect(telemetry.exporters).toEqual([]);
    expect(telemetry.warnings).toEqual([]);
  });

  it('still creates real spans, so logs and message headers carry trace ids', () => {
    const span = trace.getTracer('spec').startSpan('work', { kind: SpanKind.INTERNAL });
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    span.end();
  });

  it('registers the W3C trace-context propagator', () => {
    const span = trace.getTracer('spec').startSpan('publish');
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    span.end();
    expect(Object.keys(headers)).toEqual(['traceparent']);
  });

  it('refuses a second start in the same process', () => {
    expect(() => startTelemetry({ serviceName: 'again', env: {} })).toThrow(
      'startTelemetry() was already called in this process',
    );
  });

  it('shuts down promptly, and a second shutdown resolves too', async () => {
    const started = Date.now();
    await telemetry.shutdown(2000);
    await telemetry.shutdown(2000);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
