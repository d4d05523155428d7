import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { type OutboundFetch, ProviderError } from '@ferry/providers/core';
import { aadstsOf, entraProviderError, retryAfterSeconds } from './entra-error';

/**
 * Refuses a throttled (429) or failed (5xx) token-endpoint answer before the OAuth client sees it.
 * MSAL would otherwise remember it and refuse every identical request for up to an hour without
 * asking Entra again, and openid-client would lose Retry-After; Ferry's callers decide on retries.
 */
export async function refuseUnavailable(res: Response): Promise<void> {
  if (res.status !== 429 && res.status < 500) return;
  const body = (await res
    .clone()
    .json()
    .catch(() => ({}))) as Record<string, unknown>;
  throw entraProviderError({
    status: res.status,
    ...(typeof body['error'] === 'string' ? { error: body['error'] } : {}),
    ...withAadsts(aadstsOf(body['error_codes'], body['error_description'])),
    ...withRetryAfter(retryAfterSeconds(res.headers.get('retry-after'))),
  });
}

const withAadsts = (aadsts: number | undefined) => (aadsts === undefined ? {} : { aadsts });
const withRetryAfter = (s: number | undefined) => (s === undefined ? {} : { retryAfterSeconds: s });

/**
 * MSAL's `system.networkClient` over Ferry's outbound fetch (SSRF policy, pinned sockets, TLS 1.2+,
 * time and size bounds). MSAL turns any error a network module throws into a bare `network_error`, so
 * the real cause is kept here under the request's correlation id for the caller to take back.
 */
export class OutboundNetworkModule implements INetworkModule {
  private readonly failures = new Map<string, ProviderError>();

  constructor(private readonly fetch: OutboundFetch) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  /** The transport failure recorded for `correlationId`, removed as it is read. */
  takeFailure(correlationId: string): ProviderError | undefined {
    const failure = this.failures.get(correlationId);
    this.failures.delete(correlationId);
    return failure;
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions = {},
  ): Promise<NetworkResponse<T>> {
    try {
      const res = await this.fetch(url, {
        method,
        headers: options.headers ?? {},
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      await refuseUnavailable(res);
      const text = await res.text();
      let body: unknown = {};
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        // MSAL reports a body that is not a token response as a parse failure of its own.
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => (headers[name] = value));
      return { status: res.status, headers, body: body as T };
    } catch (err) {
      const failure =
        err instanceof ProviderError
          ? err
          : new ProviderError('unreachable', `${new URL(url).host} could not be reached`);
      if (options.correlationId) this.failures.set(options.correlationId, failure);
      throw failure;
    }
  }
}
