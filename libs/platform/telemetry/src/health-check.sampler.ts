import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SpanKind as Kind } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-base';

const HEALTH_PATH = /^\/health(\/|$|\?)/;

/**
 * Samples every trace except those rooted in a probe of `/health/*`: kubelet polls readiness every few
 * seconds, and a trace per poll would bury the traces a reviewer looks for. Used as the root sampler of
 * a parent-based sampler, so the Nest handler spans under a dropped probe are dropped with it.
 */
export class HealthCheckDroppingSampler implements Sampler {
  shouldSample(_context: Context, _traceId: string, _name: string, kind: SpanKind, attributes: Attributes, _links: Link[]): SamplingResult {
    if (kind === Kind.SERVER) {
      const path = attributes['url.path'] ?? attributes['http.target'];
      if (typeof path === 'string' && HEALTH_PATH.test(path)) return { decision: SamplingDecision.NOT_RECORD };
    }
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return 'HealthCheckDroppingSampler';
  }
}
