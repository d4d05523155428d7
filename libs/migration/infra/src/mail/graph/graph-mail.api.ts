import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type {
  AccessProvider,
  MailboxRef,
  RequestCost,
  ThrottleGovernor,
  ThrottleScope,
} from '@ferry/migration/application';
import {
  type OutboundFetch,
  ProviderError,
  responseError,
  type StreamingRequest,
  type StreamingResponse,
  type StreamingTransport,
  statusError,
  vendorErrorCode,
} from '@ferry/providers/core';
import { createGraphClient, graphProviderError, type MicrosoftEndpoints } from '@ferry/providers/microsoft';
import { DEFAULT_RETRY_POLICY, governedCall, type RetryPolicy } from '../../throttle/governed-call';

/** What the Graph mail adapters need to reach a tenant's mailboxes. */
export interface GraphMailConnection {
  readonly access: AccessProvider;
  readonly governor: ThrottleGovernor;
  readonly endpoints: MicrosoftEndpoints;
  /** The SSRF-guarded buffering fetch (`createOutboundFetch`) under the Graph client, for JSON calls. */
  readonly fetch: OutboundFetch;
  /** The SSRF-guarded streaming transport (`createStreamingTransport`), for content: MIME reads, creates, uploads. */
  readonly transport: StreamingTransport;
  /** Token scopes; default the Graph origin's `.default` (application permissions). */
  readonly scopes?: readonly string[];
  readonly retry?: RetryPolicy;
}

/** A JSON call below `/v1.0`. */
export interface GraphJsonRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path below `/v1.0` (`/users/{id}/mailFolders`), or a link Graph gave (`@odata.nextLink`, `@odata.deltaLink`). */
  readonly path: string;
  readonly body?: unknown;
  /** `Prefer` values besides the immutable-id one every call sends. */
  readonly prefer?: readonly string[];
  /** Non-2xx statuses the caller handles (404 gone, 409 exists, 410 expired): returned, not thrown. */
  readonly accept?: readonly number[];
}

/** A JSON answer: its status and parsed body (undefined when empty). */
export interface GraphAnswer<T> {
  readonly status: number;
  readonly body: T | undefined;
}

/** Ids that survive moves: a copy's id, the reference store's target id, stays valid when it moves folders. */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

/**
 * Runs Graph requests for a mailbox: a broker token (dropped and asked for again once on a 401), every
 * request through `governedCall` charged against the mailbox's and tenant's budgets, immutable ids,
 * and Ferry-written errors that name the host and Graph's code at most.
 */
export class GraphMailApi {
  private readonly clients = new Map<string, Client>();
  private readonly origin: string;

  constructor(readonly connection: GraphMailConnection) {
    this.origin = new URL(connection.endpoints.graphOrigin).origin;
  }

  scope(mailbox: MailboxRef): ThrottleScope {
    return { vendor: 'graph', tenantKey: mailbox.tenantKey, mailboxKey: mailbox.pseudonym };
  }

  /** `/users/{address}`: the mailbox's root in Graph paths. */
  user(mailbox: MailboxRef): string {
    return `/users/${encodeURIComponent(mailbox.address)}`;
  }

  /** An absolute Graph URL for a path below `/v1.0`, or a link Graph gave, checked to point at Graph. */
  url(pathOrLink: string): string {
    if (!/^https:\/\//i.test(pathOrLink)) return `${this.origin}/v1.0${pathOrLink}`;
    const link = new URL(pathOrLink);
    // Links come back through page tokens and cursors: a token is only ever sent to Graph itself.
    if (link.origin !== this.origin || !link.pathname.startsWith('/v1.0/'))
      throw new ProviderError('invalid-input', 'a Graph link points outside Microsoft Graph');
    return link.toString();
  }

  /** A JSON call through the official Graph client (the answer is small: lists, folders, state). */
  async json<T>(
    mailbox: MailboxRef,
    request: GraphJsonRequest,
    signal: AbortSignal,
  ): Promise<GraphAnswer<T>> {
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const url = this.url(request.path);
    const cost: RequestCost = {
      requests: 1,
      ...(body !== undefined ? { uploadBytes: Buffer.byteLength(body) } : {}),
    };
    return this.withToken(
      mailbox,
      cost,
      signal,
      this.connection.retry ?? DEFAULT_RETRY_POLICY,
      async (token) => {
        let res: Response;
        try {
          const call = this.client(token)
            .api(url)
            .responseType(ResponseType.RAW)
            .header('Prefer', [IMMUTABLE_IDS, ...(request.prefer ?? [])].join(', '))
            .option('signal', signal);
          if (body !== undefined) call.header('Content-Type', 'application/json');
          res = (await (request.method === 'GET'
            ? call.get()
            : request.method === 'POST'
              ? call.post(body)
              : request.method === 'PATCH'
                ? call.patch(body)
                : call.delete())) as Response;
        } catch (err) {
          throw graphProviderError(err);
        }
        const text = await res.text();
        if (!res.ok && !(request.accept ?? []).includes(res.status))
          throw statusError(new URL(url).host, res.status, res.headers, vendorErrorCode(text));
        return { status: res.status, body: parseJson<T>(text, url) };
      },
    );
  }

  /**
   * One exchange through the streaming transport (large bodies). `build` gets the Authorization value,
   * or nothing for a pre-authenticated URL (an upload session), whose host never sees a token. Answers
   * in `accept` (and 2xx) are returned with their body for the caller; others become ProviderErrors.
   */
  send(
    mailbox: MailboxRef,
    options: {
      readonly accept?: readonly number[];
      readonly uploadBytes?: number;
      readonly authenticated: boolean;
      /** Not repeated after a failure whose outcome is unknown (a create the caller checks for itself). */
      readonly once?: boolean;
    },
    build: (authorization: string | undefined) => Omit<StreamingRequest, 'signal'>,
    signal: AbortSignal,
  ): Promise<StreamingResponse> {
    const cost: RequestCost = {
      requests: 1,
      ...(options.uploadBytes ? { uploadBytes: options.uploadBytes } : {}),
    };
    const policy = this.connection.retry ?? DEFAULT_RETRY_POLICY;
    return this.withToken(
      mailbox,
      cost,
      signal,
      options.once ? { ...policy, transientRetries: 0 } : policy,
      async (token) => {
        const request = build(options.authenticated ? `Bearer ${token}` : undefined);
        const res = await this.connection.transport({ ...request, signal });
        if ((res.status >= 200 && res.status < 300) || (options.accept ?? []).includes(res.status))
          return res;
        throw await responseError(res, request.url);
      },
    );
  }

  /** Reads a streamed JSON answer, bounded (a created message echoes its body: up to Graph's 4 MB and some). */
  async readJson<T>(res: StreamingResponse, maxBytes = 16 * 1024 * 1024): Promise<T | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new ProviderError('provider-error', `Microsoft Graph answered more than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return parseJson<T>(Buffer.concat(chunks).toString('utf8'), this.origin);
  }

  /**
   * Runs `attempt` with a token under the governor. A 401 drops the token and tries once more with a
   * fresh one (revoked or expired early); `attempt` must be safe to repeat.
   */
  private async withToken<T>(
    mailbox: MailboxRef,
    cost: RequestCost,
    signal: AbortSignal,
    policy: RetryPolicy,
    attempt: (token: string) => Promise<T>,
  ): Promise<T> {
    const { access, governor } = this.connection;
    const scopes = this.connection.scopes ?? [`${this.origin}/.default`];
    for (let renewed = false; ; renewed = true) {
      try {
        return await governedCall(
          governor,
          this.scope(mailbox),
          cost,
          signal,
          async () => attempt((await access.token(mailbox, scopes, signal)).token),
          policy,
        );
      } catch (err) {
        if (renewed || !(err instanceof ProviderError) || err.details.status !== 401) throw err;
        access.invalidate(mailbox);
      }
    }
  }

  /** Graph clients per token (a few mailboxes are busy at once per worker). */
  private client(token: string): Client {
    let client = this.clients.get(token);
    if (!client) {
      if (this.clients.size >= 64) this.clients.clear();
      client = createGraphClient({
        endpoints: this.connection.endpoints,
        fetch: this.connection.fetch,
        accessToken: () => Promise.resolve(token),
      });
      this.clients.set(token, client);
    }
    return client;
  }
}

function parseJson<T>(text: string, url: string): T | undefined {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError('provider-error', `${new URL(url).host} answered something that is not JSON`);
  }
}
