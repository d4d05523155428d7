import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { DestinationPolicy, ResolveAll } from './destination-policy';
import { pinnedLookup } from './pinned-lookup';
import { TLS_CLIENT_DEFAULTS } from './tls-client-defaults';

/** What an outbound HTTPS agent may add to the defaults; certificate verification cannot be turned off. */
export interface OutboundAgentOptions {
  /** Extra trusted CA certificates (PEM) on top of Node's store, e.g. a customer's private CA. */
  readonly ca?: string | readonly string[];
  /** Sockets per host (default 16). */
  readonly maxSockets?: number;
  /** Resolver override, for tests. */
  readonly lookup?: ResolveAll;
}

/**
 * An `https.Agent` for calls to Microsoft, Google or a customer's server: each socket connects only to
 * addresses the policy checked at connect time (no DNS rebinding), speaks TLS 1.2+ and verifies the
 * server certificate. IP-literal hosts bypass `lookup`: check every host with
 * `policy.resolveDestination` before the request, which also gives a clear error up front.
 */
export function createOutboundAgent(policy: DestinationPolicy, options: OutboundAgentOptions = {}): Agent {
  const agentOptions: AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    lookup: pinnedLookup(policy, options.lookup ? { lookup: options.lookup } : {}),
    ...TLS_CLIENT_DEFAULTS,
  };
  const extra = options.ca === undefined ? [] : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
  if (extra.length > 0) agentOptions.ca = trustedCaList(extra);
  return new Agent(agentOptions);
}

/**
 * The `ca` option for a TLS client that trusts extra CAs (a customer's private CA) besides the usual
 * ones: an explicit `ca` replaces Node's store, so the public roots and NODE_EXTRA_CA_CERTS (which
 * extends the default store only) are listed again beside `extra`.
 */
export function trustedCaList(extra: readonly string[]): string[] {
  return [...rootCertificates, ...extraCaFromEnvironment(), ...extra];
}

function extraCaFromEnvironment(): string[] {
  const file = process.env['NODE_EXTRA_CA_CERTS'];
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return [];
  }
}
