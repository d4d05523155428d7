export {
  DestinationPolicy,
  type AddressCheck,
  type DestinationPolicyOptions,
  type ResolveAll,
  type ResolvedAddress,
  type ResolvedDestination,
} from './destination-policy';
export {
  DestinationPolicyError,
  DestinationRefusedError,
  type AddressRefusal,
  type DestinationRefusal,
} from './errors';
export { normaliseHostName } from './host-name';
export { pinnedLookup } from './pinned-lookup';
export { TLS_CLIENT_DEFAULTS } from './tls-client-defaults';
export { createOutboundAgent, type OutboundAgentOptions, trustedCaList } from './outbound-agent';
