export { type ConnectionFinding, type ConnectionReport, type FindingStatus, reportOf } from './connection-report';
export type { DelegatedGrant, IssuedToken } from './issued-token';
export { createOutboundFetch, type OutboundFetch, type OutboundFetchOptions, type OutboundRequestInit } from './outbound-fetch';
export { ProviderError, type ProviderErrorCode, safeProviderCode } from './provider-error';
export { isWorkload, type Workload, WORKLOADS } from './workload';
