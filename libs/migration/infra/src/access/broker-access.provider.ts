import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ImapSecurity, Rpc } from '@ferry/contracts';
import type { AccessProvider, AccessToken, ImapLogin, MailboxRef } from '@ferry/migration/application';
import type { ServiceTokenSigner } from '@ferry/platform/auth';
import type { MessagingClient } from '@ferry/platform/messaging';

/** A token is renewed this long before it expires, so no request leaves with one about to lapse. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;
/** An IMAP login is kept this long: sessions are pooled, so this only spares the broker bursts. */
const IMAP_LOGIN_TTL_MS = 60 * 1000;
const MAX_ENTRIES = 10_000;

interface Cached<T> {
  readonly value: Promise<T>;
  readonly until: () => number;
}

/**
 * Access for the mail adapters from the connectors service's token broker (`connectors.v1.rpc.broker.*`),
 * proving this service with its ES256 service assertion. Tokens are cached in memory only, per
 * connector, user and scopes, until shortly before they expire; concurrent asks share one request.
 */
export class BrokerAccessProvider implements AccessProvider {
  private readonly tokens = new Map<string, Cached<AccessToken>>();
  private readonly logins = new Map<string, Cached<ImapLogin>>();

  constructor(
    private readonly messaging: MessagingClient,
    private readonly signer: ServiceTokenSigner,
    private readonly now: () => number = Date.now,
  ) {}

  token(mailbox: MailboxRef, scopes: readonly string[]): Promise<AccessToken> {
    const key = `${mailbox.orgId}\u0000${mailbox.connectorId}\u0000${mailbox.address}\u0000${[...scopes].sort().join(' ')}`;
    return this.cached(this.tokens, key, async () => {
      const answer = await this.messaging.request(Rpc.broker.token, {
        serviceToken: await this.signer.token('svc:connectors'),
        orgId: mailbox.orgId,
        connectorId: mailbox.connectorId,
        scopes: [...scopes],
        // The broker acts as this user where the connector delegates (Google, delegated grants) and
        // ignores it for app-only connectors.
        subject: mailbox.address,
      });
      const expiresAt = answer.expiresAt ? timestampDate(answer.expiresAt).getTime() : this.now() + 10 * 60 * 1000;
      return { token: answer.accessToken, expiresAt };
    }, (token) => token.expiresAt - RENEW_BEFORE_MS);
  }

  imapLogin(mailbox: MailboxRef): Promise<ImapLogin> {
    const key = `${mailbox.orgId}\u0000${mailbox.connectorId}\u0000${mailbox.address}`;
    const fetchedAt = this.now();
    return this.cached(this.logins, key, async () => {
      const answer = await this.messaging.request(Rpc.broker.imapLogin, {
        serviceToken: await this.signer.token('svc:connectors'),
        orgId: mailbox.orgId,
        connectorId: mailbox.connectorId,
        subject: mailbox.address,
      });
      const server = answer.server;
      if (!server) throw new Error('the broker answered an IMAP login without its server');
      return {
        host: server.host,
        port: server.port,
        security: server.security === ImapSecurity.STARTTLS ? 'starttls' : 'implicit-tls',
        ...(server.caCertificatePem ? { ca: server.caCertificatePem } : {}),
        username: answer.username,
        password: answer.password,
      };
    }, () => fetchedAt + IMAP_LOGIN_TTL_MS);
  }

  invalidate(mailbox: MailboxRef): void {
    const prefix = `${mailbox.orgId}\u0000${mailbox.connectorId}\u0000${mailbox.address}\u0000`;
    for (const key of [...this.tokens.keys()]) if (key.startsWith(prefix)) this.tokens.delete(key);
    this.logins.delete(prefix.slice(0, -1));
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>, validUntil: (value: T) => number): Promise<T> {
    const hit = map.get(key);
    if (hit && this.now() < hit.until()) return hit.value;
    let until = Number.POSITIVE_INFINITY; // while loading, concurrent callers share the request
    const value = load().then(
      (v) => {
        until = validUntil(v);
        return v;
      },
      (err: unknown) => {
        map.delete(key);
        throw err;
      },
    );
    map.delete(key);
    map.set(key, { value, until: () => until });
    while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
    return value;
  }
}
