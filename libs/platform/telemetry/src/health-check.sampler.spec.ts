import { context, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { HealthCheckDroppingSampler } from './health-check.sampler';

const sample = (kind: SpanKind, attributes: Record<string, string>) =>
  new HealthCheckDroppingSampler().shouldSample(context.active(), 'a'.repeat(32), 'GET', kind, attributes, []).decision;

describe('health check sampling', () => {
  it.each(['/health/ready', '/health/live', '/health', '/health?x=1'])('drops the server span of a probe of %s', (path) => {
    expect(sample(SpanKind.SERVER, { 'url.path': path })).toBe(SamplingDecision.NOT_RECORD);
    expect(sample(SpanKind.SERVER, { 'http.target': path })).toBe(SamplingDecision.NOT_RECORD);
  });

  it.each(['/api/v1/orgs/x/connectors', '/healthz-not-ours', '/api/health'])('keeps %s', (path) => {
    expect(sample(SpanKind.SERVER, { 'url.path': path })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('keeps client spans to a /health path on another service', () => {
    expect(sample(SpanKind.CLIENT, { 'url.path': '/health/ready' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});
