import { type OutboundFetch, ProviderError } from '@ferry/providers/core';
import type { GoogleEndpoints } from './google-endpoints.config';

/** What googleapis takes per API client (`google.admin({ version, ...options })`) so its calls go Ferry's way. */
export interface GoogleApiOptions {
  readonly rootUrl: string;
  readonly fetchImplementation: typeof fetch;
  readonly retry: false;
  readonly headers: { readonly authorization: string };
}

/**
 * Options for a googleapis client (Admin SDK, Gmail, Calendar, Drive, People) that send every request
 * through `fetch` (the SSRF-guarded outbound fetch) to `endpoints.apiRoot`, with `accessToken`. gaxios's
 * own retries are off: Ferry decides when to retry (throttling, the broker's refresh).
 */
export function googleApiOptions(options: {
  readonly accessToken: string;
  readonly endpoints: GoogleEndpoints;
  readonly fetch: OutboundFetch;
}): GoogleApiOptions {
  return {
    rootUrl: options.endpoints.apiRoot,
    fetchImplementation: gaxiosFetch(options.fetch),
    retry: false,
    headers: { authorization: `Bearer ${options.accessToken}` },
  };
}

/**
 * Adapts the outbound fetch to gaxios's `fetchImplementation` (gaxios 7 calls it with a URL and its
 * prepared options). Responses are asked for unencoded: the outbound fetch hands back the bytes as
 * received, and googleapis would otherwise ask for gzip. Streamed request bodies (resumable uploads)
 * are refused: this transport buffers, and its callers send small JSON bodies.
 */
export function gaxiosFetch(outbound: OutboundFetch): typeof fetch {
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = input instanceof Request ? input.url : input;
    const headers = new Headers(init.headers);
    headers.set('accept-encoding', 'identity');
    const body = init.body ?? undefined;
    let payload: string | Uint8Array | URLSearchParams | undefined;
    if (
      body === undefined ||
      typeof body === 'string' ||
      body instanceof Uint8Array ||
      body instanceof URLSearchParams
    )
      payload = body;
    else if (body instanceof ArrayBuffer) payload = new Uint8Array(body);
    else
      throw new ProviderError('invalid-input', 'streamed request bodies are not supported by this transport');
    return outbound(url, {
      method: init.method ?? 'GET',
      headers,
      ...(payload === undefined ? {} : { body: payload }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  };
}
