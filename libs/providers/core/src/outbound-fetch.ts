import type { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { Agent } from 'node:https';
import type { DestinationPolicy } from '@ferry/platform/net';
import { asProviderError, DestinationCheck, headersOf, nodeHeaders } from './outbound-guard';
import { ProviderError } from './provider-error';

/** The subset of `fetch` the provider adapters use. */
export type OutboundFetch = (url: string | URL, init?: OutboundRequestInit) => Promise<Response>;

export interface OutboundRequestInit {
  readonly method?: string;
  readonly headers?: Record<string, string> | Headers | [string, string][];
  readonly body?: string | Uint8Array | URLSearchParams;
  readonly signal?: AbortSignal;
}

export interface OutboundFetchOptions {
  /** Checks every host before the request (IP literals never reach the agent's pinned lookup). */
  readonly policy: DestinationPolicy;
  /** From `createOutboundAgent(policy)`: pinned lookup, TLS 1.2+, verified certificates. */
  readonly agent: Agent;
  /** Whole-exchange deadline (default 15 s). */
  readonly timeoutMs?: number;
  /** Larger responses are refused (default 4 MiB): token, directory and probe answers are small. */
  readonly maxResponseBytes?: number;
}

/**
 * A `fetch` for the official clients' pluggable transports (MSAL's network module, openid-client's
 * customFetch, gaxios's fetchImplementation): HTTPS only, every host checked by the SSRF policy, sockets
 * from the pinned agent, bounded in time and size. Failures are `ProviderError`s that name the host only.
 */
export function createOutboundFetch(options: OutboundFetchOptions): OutboundFetch {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const destinations = new DestinationCheck(options.policy);
  return async (input, init = {}) => {
    const url = await destinations.url(input);
    const headers = nodeHeaders(init.headers);
    const body = init.body instanceof URLSearchParams ? init.body.toString() : init.body;
    if (init.body instanceof URLSearchParams && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      // One outcome per request: whichever of answer, overflow, deadline or error comes first wins.
      let settled = false;
      // Callers share long-lived signals (a worker's shutdown signal): a listener left behind per request
      // would pile up on it, and every later addEventListener walks the pile.
      const settle = () => {
        settled = true;
        init.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown) => {
        if (settled) return;
        settle();
        reject(asProviderError(err, url));
        req.destroy();
      };
      const onAbort = () => fail(new ProviderError('unreachable', `request to ${url.host} was aborted`));
      let req: ClientRequest;
      try {
        req = request(url, { method: init.method ?? 'GET', headers, agent: options.agent }, answered);
      } catch {
        // Node refuses a header value with a line break or a bad method: its message may name the header.
        reject(new ProviderError('invalid-input', `a request to ${url.host} has an invalid method or header`));
        return;
      }
      function answered(res: IncomingMessage): void {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new ProviderError('provider-error', `${url.host} answered more than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settle();
          const responseHeaders = headersOf(res.headers);
          const status = res.statusCode ?? 502;
          // Response refuses a body for 204/304.
          const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(payload, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new ProviderError('unreachable', `${url.host} closed the connection mid-answer`)));
      }
      const deadline = setTimeout(() => fail(new ProviderError('unreachable', `${url.host} did not answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('error', fail);
      init.signal?.addEventListener('abort', onAbort, { once: true });
      if (body !== undefined) req.write(body);
      req.end();
    });
  };
}
