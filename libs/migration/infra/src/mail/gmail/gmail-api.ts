import type { Readable } from 'node:stream';
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
} from '@ferry/providers/core';
import { type GoogleEndpoints, googleApiOptions } from '@ferry/providers/google';
// The Gmail API alone: the googleapis index loads every Google API (~90 MB of a worker's memory).
import { gmail, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { DEFAULT_RETRY_POLICY, governedCall, type RetryPolicy } from '../../throttle/governed-call';
import { answerStatus, gaxiosFailure, gmailFailure } from './gmail-failure';
import { GMAIL_MODIFY_SCOPE, GMAIL_UNITS, type GmailMethod } from './gmail-quota';

/** What the Gmail adapters need to reach Gmail for a mailbox. */
export interface GmailConnection {
  readonly access: AccessProvider;
  readonly governor: ThrottleGovernor;
  readonly endpoints: GoogleEndpoints;
  /** The SSRF-guarded buffering fetch (`createOutboundFetch`) for JSON calls through googleapis. */
  readonly fetch: OutboundFetch;
  /** The SSRF-guarded streaming transport (`createStreamingTransport`) for content: raw reads, uploads. */
  readonly transport: StreamingTransport;
  readonly retry?: RetryPolicy;
}

/** An answer a caller expects and handles itself (404 gone, 409 exists): no error, the permit released as ok. */
export interface ExpectedStatus {
  readonly expected: number;
}

export function isExpectedStatus(value: unknown): value is ExpectedStatus {
  return typeof value === 'object' && value !== null && 'expected' in value;
}

/** A JSON resource answer (a message's summary) is small: more than this is refused. */
export const MAX_JSON_ANSWER_BYTES = 1024 * 1024;

/** Reads a JSON answer of at most `maxBytes`; anything else is Gmail's fault, a ProviderError naming the method. */
export async function readJsonAnswer<T>(
  body: Readable,
  method: GmailMethod,
  maxBytes = MAX_JSON_ANSWER_BYTES,
): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new ProviderError('provider-error', `Gmail ${method} answered more than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as T;
  } catch {
    // reported below
  }
  throw new ProviderError('provider-error', `Gmail ${method} answered something that is not a JSON object`);
}

/** A request's cost beyond its method's quota units (uploaded bytes). */
export interface ExtraCost {
  readonly uploadBytes?: number;
}

/**
 * Runs Gmail requests for a mailbox: a broker token (dropped and asked for again once on a 401), the
 * throttle governor charged the method's quota units, retries of throttled and transient failures, and
 * Ferry-written errors only.
 */
export class GmailApi {
  private readonly clients = new Map<string, gmail_v1.Gmail>();

  constructor(readonly connection: GmailConnection) {}

  retryPolicy(): RetryPolicy {
    return this.connection.retry ?? DEFAULT_RETRY_POLICY;
  }

  scope(mailbox: MailboxRef): ThrottleScope {
    return { vendor: 'gmail', tenantKey: mailbox.tenantKey, mailboxKey: mailbox.pseudonym };
  }

  cost(method: GmailMethod, extra: ExtraCost = {}): RequestCost {
    return {
      requests: 1,
      units: GMAIL_UNITS[method],
      ...(extra.uploadBytes === undefined ? {} : { uploadBytes: extra.uploadBytes }),
    };
  }

  /** A googleapis call; answers in `expect` come back as `{ expected: status }` instead of an error. */
  call<T>(
    mailbox: MailboxRef,
    method: GmailMethod,
    signal: AbortSignal,
    run: (gmail: gmail_v1.Gmail, options: { signal: AbortSignal }) => Promise<{ data: T }>,
    expect: readonly number[] = [],
  ): Promise<T | ExpectedStatus> {
    return this.withToken(mailbox, method, signal, {}, async (token) => {
      try {
        return (await run(this.client(token), { signal })).data;
      } catch (error) {
        const status = answerStatus(error);
        if (status !== undefined && expect.includes(status)) return { expected: status };
        throw gaxiosFailure(method, error);
      }
    });
  }

  /**
   * One HTTP exchange through the streaming transport, for what googleapis cannot stream. Answers with
   * a status in `accept` are returned (their body for the caller to read or destroy); any other is
   * read for Google's reason code and thrown as a ProviderError.
   */
  send(
    mailbox: MailboxRef,
    method: GmailMethod,
    signal: AbortSignal,
    accept: readonly number[],
    request: (authorization: string) => Omit<StreamingRequest, 'signal'>,
    extra: ExtraCost = {},
    policy?: RetryPolicy,
  ): Promise<StreamingResponse> {
    return this.withToken(
      mailbox,
      method,
      signal,
      extra,
      (token) => this.exchange(method, signal, accept, request(`Bearer ${token}`)),
      policy,
    );
  }

  /**
   * A GET whose answer is a small JSON resource, through the streaming transport rather than
   * googleapis: for the calls made once per message (`messages.get` of a summary), where googleapis'
   * request building cost about as much CPU as the exchange itself. The answer is read (bounded) inside
   * the governed attempt, so a connection lost mid-answer is retried like any transient failure.
   * Statuses in `expect` come back as `{ expected: status }`.
   */
  getJson<T>(
    mailbox: MailboxRef,
    method: GmailMethod,
    signal: AbortSignal,
    url: URL,
    expect: readonly number[] = [],
  ): Promise<T | ExpectedStatus> {
    return this.withToken(mailbox, method, signal, {}, async (token) => {
      const res = await this.exchange(method, signal, [200, ...expect], {
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'accept-encoding': 'identity' },
      });
      if (res.status !== 200) {
        res.body.resume();
        return { expected: res.status };
      }
      return readJsonAnswer<T>(res.body, method);
    });
  }

  private async exchange(
    method: GmailMethod,
    signal: AbortSignal,
    accept: readonly number[],
    built: Omit<StreamingRequest, 'signal'>,
  ): Promise<StreamingResponse> {
    const res = await this.connection.transport({ ...built, signal });
    if (accept.includes(res.status)) return res;
    const mapped = await responseError(res, built.url);
    throw gmailFailure(method, res.status, res.headers, mapped.details.providerCode);
  }

  /** A URL under the Gmail API root (`gmail/v1/...` or `upload/gmail/v1/...`). */
  url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(path, this.connection.endpoints.apiRoot);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url;
  }

  /**
   * Runs `attempt` with a token under the governor. A 401 drops the token and tries once more with a
   * fresh one (a token revoked or expired early); `attempt` must be safe to repeat.
   */
  async withToken<T>(
    mailbox: MailboxRef,
    method: GmailMethod,
    signal: AbortSignal,
    extra: ExtraCost,
    attempt: (token: string) => Promise<T>,
    policy: RetryPolicy = this.retryPolicy(),
  ): Promise<T> {
    const { access, governor } = this.connection;
    for (let renewed = false; ; renewed = true) {
      try {
        return await governedCall(
          governor,
          this.scope(mailbox),
          this.cost(method, extra),
          signal,
          async () => attempt((await access.token(mailbox, [GMAIL_MODIFY_SCOPE], signal)).token),
          policy,
        );
      } catch (error) {
        if (renewed || !(error instanceof ProviderError) || error.details.status !== 401) throw error;
        access.invalidate(mailbox);
      }
    }
  }

  /** googleapis clients per token (a handful of mailboxes are busy at once per worker). */
  private client(token: string): gmail_v1.Gmail {
    let client = this.clients.get(token);
    if (!client) {
      if (this.clients.size >= 64) this.clients.clear();
      client = gmail({
        version: 'v1',
        ...googleApiOptions({
          accessToken: token,
          endpoints: this.connection.endpoints,
          fetch: this.connection.fetch,
        }),
      });
      this.clients.set(token, client);
    }
    return client;
  }
}
