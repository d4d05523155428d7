import type { ImapFlow } from 'imapflow';
import type {
  AccessProvider,
  MailboxRef,
  RequestCost,
  ThrottleGovernor,
  ThrottleScope,
} from '@ferry/migration/application';
import type { DestinationPolicy } from '@ferry/platform/net';
import { ProviderError } from '@ferry/providers/core';
import { type ImapEndpoint, openImapSession } from '@ferry/providers/imap';
import { DEFAULT_RETRY_POLICY, governedCall, type RetryPolicy } from '../../throttle/governed-call';
import { isServerRefusal, toImapCommandError } from './imap-command-error';
import { enableQresync, featuresOf, type ImapFeatures } from './imap-extensions';
import { inImapSpan } from './imap-span';
import {
  DEFAULT_POOL_OPTIONS,
  SessionPool,
  type SessionLease,
  type SessionPoolOptions,
} from './imap-session-pool';

export interface ImapSessionRunnerOptions {
  readonly access: AccessProvider;
  readonly governor: ThrottleGovernor;
  /** The SSRF guard every IMAP host is checked against. */
  readonly policy: DestinationPolicy;
  readonly pool?: SessionPoolOptions;
  /** Bounds connect, TLS and login of a new session. */
  readonly connectTimeoutMs?: number;
  /** Which change-feed extensions to use when the server has them (both by default). */
  readonly extensions?: { readonly condstore: boolean; readonly qresync: boolean };
  readonly retryPolicy?: RetryPolicy;
}

/** The work done on one session under one permit: gets the session and what it can do. */
export type SessionWork<T> = (session: ImapFlow, features: ImapFeatures) => Promise<T>;

/** The pool key of a mailbox: in memory only (it holds the address), never logged. */
export function mailboxKey(mailbox: MailboxRef): string {
  return `${mailbox.orgId}\u0000${mailbox.connectorId}\u0000${mailbox.address}`;
}

function scopeOf(mailbox: MailboxRef): ThrottleScope {
  return { vendor: 'imap', tenantKey: mailbox.tenantKey, mailboxKey: mailbox.pseudonym };
}

/**
 * Runs IMAP commands for the source adapter: each unit of work under a permit of the throttle governor
 * (retried on throttling and transient failures, with a fresh session when the connection broke), on a
 * pooled session logged in with the login the access provider hands out.
 *
 * A permit is always taken before a session, never the other way round, so callers waiting for a session
 * hold no session and no cycle can form between the pool's limit and the governor's.
 */
export class ImapSessionRunner {
  private readonly pool: SessionPool<string, ImapFlow>;
  private readonly extensions: { readonly condstore: boolean; readonly qresync: boolean };

  constructor(private readonly options: ImapSessionRunnerOptions) {
    this.pool = new SessionPool(options.pool ?? DEFAULT_POOL_OPTIONS);
    this.extensions = options.extensions ?? { condstore: true, qresync: true };
  }

  /** Sessions this worker holds for `mailbox` (open, opening or lent). */
  sessionCount(mailbox: MailboxRef): number {
    return this.pool.size(mailboxKey(mailbox));
  }

  /**
   * Runs `work` on a pooled session under one permit charged `cost`, in a span named `operation`
   * (e.g. `imap.folders.list`) that covers the permit, the session and every retry.
   */
  async run<T>(
    operation: string,
    mailbox: MailboxRef,
    cost: RequestCost,
    signal: AbortSignal,
    work: SessionWork<T>,
  ): Promise<T> {
    const { value } = await this.governed(operation, mailbox, cost, signal, work, false);
    return value;
  }

  /**
   * Like {@link run}, but the session stays lent to the caller, who releases it (a download that goes on
   * after the permit was given back). The caller also owns aborting it. The span ends when `work` returns.
   */
  runKeeping<T>(
    operation: string,
    mailbox: MailboxRef,
    cost: RequestCost,
    signal: AbortSignal,
    work: SessionWork<T>,
  ): Promise<{ value: T; lease: SessionLease<ImapFlow> }> {
    return this.governed(operation, mailbox, cost, signal, work, true);
  }

  /** Logs out every idle session; lent ones close when they come back. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private governed<T>(
    operation: string,
    mailbox: MailboxRef,
    cost: RequestCost,
    signal: AbortSignal,
    work: SessionWork<T>,
    keep: boolean,
  ) {
    const policy = this.options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    return inImapSpan(operation, mailbox, { 'ferry.imap.requests': cost.requests }, (span) => {
      let attempts = 0;
      return governedCall(
        this.options.governor,
        scopeOf(mailbox),
        cost,
        signal,
        () => {
          span.setAttribute('ferry.imap.attempts', ++attempts);
          return this.attempt(mailbox, signal, work, keep);
        },
        policy,
      );
    });
  }

  private async attempt<T>(mailbox: MailboxRef, signal: AbortSignal, work: SessionWork<T>, keep: boolean) {
    const lease = await this.pool.lease(mailboxKey(mailbox), signal, (opening) =>
      this.openSession(mailbox, opening),
    );
    const { session } = lease;
    // A command cannot be taken back: closing the connection is the only way to stop waiting for it.
    const onAbort = () => session.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const value = await work(session, featuresOf(session, this.extensions));
      if (!keep) lease.release(true);
      return { value, lease };
    } catch (err) {
      // A refused command leaves the session as it was; anything else may have left it mid-answer.
      lease.release(session.usable && (isServerRefusal(err) || err instanceof ProviderError));
      if (signal.aborted) throw signal.reason;
      throw toImapCommandError(err);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async openSession(mailbox: MailboxRef, signal: AbortSignal): Promise<ImapFlow> {
    // The login is fetched for each new session only, and kept nowhere but in the session's connection.
    const login = await this.options.access.imapLogin(mailbox, signal);
    const endpoint: ImapEndpoint = {
      host: login.host,
      port: login.port,
      security: login.security,
      ...(login.ca === undefined ? {} : { ca: login.ca }),
    };
    // Connect, TLS, LOGIN and ENABLE: the server is named; the user name and password are not.
    const attributes = {
      'server.address': login.host,
      'server.port': login.port,
      'ferry.imap.security': login.security,
    };
    return inImapSpan('imap.session.open', mailbox, attributes, () => this.login(mailbox, endpoint, login));
  }

  private async login(
    mailbox: MailboxRef,
    endpoint: ImapEndpoint,
    login: { readonly username: string; readonly password: string },
  ): Promise<ImapFlow> {
    let session: ImapFlow;
    try {
      session = await openImapSession(
        endpoint,
        { username: login.username, password: login.password },
        {
          policy: this.options.policy,
          ...(this.options.connectTimeoutMs === undefined
            ? {}
            : { timeoutMs: this.options.connectTimeoutMs }),
        },
      );
    } catch (err) {
      // A rotated password: the next session asks the broker again instead of reusing a cached login.
      if (err instanceof ProviderError && err.code === 'invalid-credentials')
        this.options.access.invalidate(mailbox);
      throw err;
    }
    try {
      if (this.extensions.qresync) await enableQresync(session);
      return session;
    } catch (err) {
      session.close();
      throw err;
    }
  }
}
