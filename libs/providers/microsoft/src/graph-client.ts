import {
  AuthenticationHandler,
  Client,
  type Context,
  GraphClientError,
  GraphError,
  type Middleware,
  RedirectHandler,
  RedirectHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import {
  type OutboundFetch,
  type OutboundRequestInit,
  ProviderError,
  safeProviderCode,
} from '@ferry/providers/core';
import { retryAfterSeconds } from './entra-error';
import type { MicrosoftEndpoints } from './microsoft-cloud';

/** Where Graph is, how to reach it, and the token to send. */
export interface GraphClientOptions {
  readonly endpoints: MicrosoftEndpoints;
  /** From `createOutboundFetch`: every request, redirects included, passes the SSRF policy. */
  readonly fetch: OutboundFetch;
  /** Called for each request to a Graph host; an IssuedToken's `accessToken`. */
  readonly accessToken: () => Promise<string>;
}

/** A ProviderError carried through the Graph client, which rethrows GraphClientErrors untouched. */
function carried(error: ProviderError): GraphClientError {
  const wrapper = new GraphClientError(error.message);
  wrapper.customError = error;
  return wrapper;
}

function bodyOf(body: unknown): OutboundRequestInit['body'] {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw carried(new ProviderError('invalid-input', 'Graph request bodies must be strings or bytes'));
}

/** The last middleware: sends through Ferry's outbound fetch instead of the global fetch. */
class OutboundFetchHandler implements Middleware {
  constructor(private readonly fetch: OutboundFetch) {}

  async execute(context: Context): Promise<void> {
    if (typeof context.request !== 'string')
      throw carried(new ProviderError('invalid-input', 'Graph requests must be built by the Graph client'));
    const options = context.options ?? {};
    const body = bodyOf(options.body);
    try {
      context.response = await this.fetch(context.request, {
        method: options.method ?? 'GET',
        headers: new Headers(options.headers),
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      throw err instanceof ProviderError ? carried(err) : err;
    }
  }
}

/**
 * The official Graph client over Ferry's outbound fetch: authentication (the token is attached only
 * to the Graph origin, named as a custom host so national clouds and the sandbox work), redirects
 * (each hop checked again by the SSRF policy; the token is dropped on other hosts), telemetry
 * headers. No retry middleware: a 429 becomes a `throttled` ProviderError with Retry-After, and the
 * caller's queue decides when to try again.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const graph = new URL(options.endpoints.graphOrigin);
  return Client.initWithMiddleware({
    baseUrl: graph.origin,
    defaultVersion: 'v1.0',
    customHosts: new Set([graph.hostname]),
    middleware: [
      new AuthenticationHandler({ getAccessToken: options.accessToken }),
      new RedirectHandler(new RedirectHandlerOptions(5)),
      new TelemetryHandler(),
      new OutboundFetchHandler(options.fetch),
    ],
  });
}

/**
 * Maps what the Graph client threw to a ProviderError: the transport's own, or Graph's status and
 * error code (`providerCode`); Graph's message is never copied, since it can quote the request.
 */
export function graphProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof GraphClientError && err.customError instanceof ProviderError) return err.customError;
  if (!(err instanceof GraphError) || err.statusCode < 100)
    return new ProviderError('provider-error', 'the Microsoft Graph request failed');
  const status = err.statusCode;
  const code = safeProviderCode(err.code);
  const details = { status, ...(code ? { providerCode: code } : {}) };
  const said = `Microsoft Graph answered ${status}${code ? ` (${code})` : ''}`;
  if (status === 429) {
    const retryAfter = retryAfterSeconds(err.headers?.get('retry-after'));
    return new ProviderError('throttled', said, {
      ...details,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (status === 401)
    return new ProviderError('invalid-credentials', `${said}: the access token was rejected`, details);
  if (status === 403) return new ProviderError('not-authorized', `${said}: a permission is missing`, details);
  return new ProviderError('provider-error', said, details);
}
