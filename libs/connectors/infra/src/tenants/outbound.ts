import type { Agent } from 'node:https';
import { createOutboundAgent, DestinationPolicy, DestinationRefusedError } from '@ferry/platform/net';
import { createOutboundFetch, type OutboundFetch } from '@ferry/providers/core';
import type { Violation } from '@ferry/connectors/domain';

/** Every outbound path the connectors service has: one SSRF policy, one pinned agent, one fetch over it. */
export interface Outbound {
  readonly policy: DestinationPolicy;
  readonly agent: Agent;
  readonly fetch: OutboundFetch;
}

export function createOutbound(options: { allow: readonly string[]; deny: readonly string[]; timeoutMs?: number }): Outbound {
  const policy = new DestinationPolicy({ allow: options.allow, extraDeny: options.deny });
  const agent = createOutboundAgent(policy);
  return { policy, agent, fetch: createOutboundFetch({ policy, agent, timeoutMs: options.timeoutMs ?? 15_000 }) };
}

/** A host an operator configured, checked now so a refused destination is a clear 400, not a later failure. */
export async function destinationViolation(policy: DestinationPolicy, field: string, host: string): Promise<Violation[]> {
  try {
    await policy.resolveDestination(host);
    return [];
  } catch (err) {
    if (err instanceof DestinationRefusedError) return [{ field, reason: err.message }];
    throw err;
  }
}
