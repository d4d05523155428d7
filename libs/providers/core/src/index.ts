export { type ConnectionFinding, type ConnectionReport, type FindingStatus, reportOf } from './connection-report';
export type { DelegatedGrant, IssuedToken } from './issued-token';
export { createOutboundFetch, type OutboundFetch, type OutboundFetchOptions, type OutboundRequestInit } from './outbound-fetch';
export { ProviderError, type ProviderErrorCode, safeProviderCode } from './provider-error';
export { createStreamingTransport, responseError, retryAfterFrom, statusError, type StreamingRequest, type StreamingResponse, type StreamingTransport, type StreamingTransportOptions, vendorErrorCode } from './streaming-transport';
export { isWorkload, type Workload, WORKLOADS } from './workload';
