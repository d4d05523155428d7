import type { Agent } from 'node:https';
import { Readable } from 'node:stream';
import type { DestinationPolicy } from '@ferry/platform/net';
import { DestinationCheck } from './outbound-guard';
import { ProviderError } from './provider-error';
import { Exchange } from './streaming-transport.exchange';
import { Watchdog } from './streaming-transport.watchdog';

export interface StreamingTransportOptions {
  /** Checks every host before the request (IP literals never reach the agent's pinned lookup). */
  readonly policy: DestinationPolicy;
  /** From `createOutboundAgent(policy)`: pinned lookup, TLS 1.2+, verified certificates. */
  readonly agent: Agent;
  /**
   * The exchange fails when no byte moved for this long while Ferry waited on the peer (default 60 s).
   * Time spent waiting on the caller (a slow request body source, a response consumer applying
   * backpressure) does not count: a 150 MB upload may take as long as it takes while it progresses.
   */
  readonly idleTimeoutMs?: number;
  /** Until the TLS session is up (default 15 s). */
  readonly connectTimeoutMs?: number;
}

/** One request. Bodies are streamed; the signal is required because a stream may outlive its caller's interest. */
export interface StreamingRequest {
  readonly method: string;
  readonly url: string | URL;
  readonly headers?: Record<string, string> | Headers;
  /**
   * A Buffer is sent as is, and so are pieces of one (a multipart body around a message, sent without
   * copying them into one); a Readable is streamed with backpressure (and consumed, or destroyed on failure).
   */
  readonly body?: Buffer | readonly Buffer[] | Readable;
  /** Content-Length of a Readable body; without it the body is sent chunked. The stream must match it. */
  readonly bodyLength?: number;
  readonly signal: AbortSignal;
  /** The response body fails (destroyed with a ProviderError) past this many bytes. */
  readonly maxResponseBytes?: number;
}

/** The answer's head; the caller consumes `body` or destroys it (either releases the socket). */
export interface StreamingResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Readable;
}

export type StreamingTransport = (request: StreamingRequest) => Promise<StreamingResponse>;

/**
 * An HTTPS transport for bodies too large to buffer (uploads to Graph upload sessions, Gmail's
 * resumable uploads, `$value` and `raw` downloads): HTTPS only, every host checked by the SSRF policy,
 * sockets from the pinned agent, request and response bodies streamed with backpressure, an idle
 * timeout instead of a whole-exchange deadline. Failures are `ProviderError`s naming the host only,
 * before the answer (rejection) or after it (the body stream is destroyed with one).
 * Non-2xx answers are answers: map them with `responseError`.
 */
export function createStreamingTransport(options: StreamingTransportOptions): StreamingTransport {
  const timing = { idleMs: options.idleTimeoutMs ?? 60_000, connectMs: options.connectTimeoutMs ?? 15_000 };
  const destinations = new DestinationCheck(options.policy);
  // One timer watches every exchange in flight (a timer per exchange cost as much as its headers).
  const watchdog = new Watchdog(Math.max(10, Math.min(1_000, Math.floor(Math.min(timing.idleMs, timing.connectMs) / 4))));
  return async (request) => {
    const url = await destinations.url(request.url);
    if (request.signal.aborted) throw new ProviderError('unreachable', `request to ${url.host} was aborted`);
    const body = request.body;
    if (
      body !== undefined &&
      body instanceof Readable &&
      request.bodyLength !== undefined &&
      (!Number.isSafeInteger(request.bodyLength) || request.bodyLength < 0)
    ) {
      throw new ProviderError('invalid-input', 'a request body length must be a non-negative integer');
    }
    return new Exchange(url, request, options.agent, timing, watchdog).start();
  };
}

export { responseError, retryAfterFrom, statusError, vendorErrorCode } from './streaming-transport.errors';
