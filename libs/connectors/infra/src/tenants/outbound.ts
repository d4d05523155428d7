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
    // Operators see the resolved address in the service's own refusals; a tenant learns only the kind of
    // range, never which address a name resolves to (that would map the cluster's network for them).
    if (err instanceof DestinationRefusedError) return [{ field, reason: refusalReason(err) }];
    throw err;
  }
}

function refusalReason(err: DestinationRefusedError): string {
  switch (err.reason) {
    case 'malformed-host':
      return 'not a valid host name or IP address';
    case 'unresolvable':
      return 'it does not resolve to any usable address';
    case 'denied':
      return 'it resolves to an address in an operator-denied range';
    case 'loopback':
    case 'link-local':
    case 'private':
    case 'reserved':
    case 'multicast':
      return `it resolves to a ${err.reason} address, which the installation does not allow (an operator can allow-list it)`;
  }
}
