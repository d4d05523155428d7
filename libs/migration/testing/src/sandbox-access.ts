import { createHash } from 'node:crypto';
import type { AccessProvider, AccessToken, ImapLogin, MailboxRef } from '@ferry/migration/application';
import type { MailSystem } from '@ferry/migration/domain';
import { googleAccessToken, type Sandbox } from '@ferry/sandbox';

/**
 * Tokens straight from the sandbox clouds, for adapter tests that run without the connectors service:
 * Graph app-only (client credentials with the seeded secret), Google domain-wide delegation (the seeded
 * service-account key, `sub` = the mailbox). IMAP logins come from `imapLogins` (Dovecot users).
 */
export class SandboxAccess implements AccessProvider {
  private graph: Promise<AccessToken> | undefined;
  private readonly google = new Map<string, Promise<AccessToken>>();
  /** Counts broker-equivalent calls, so tests can check caching. */
  calls = 0;

  constructor(
    private readonly sandbox: Sandbox | undefined,
    private readonly imapLogins: ReadonlyMap<string, ImapLogin> = new Map(),
  ) {}

  token(mailbox: MailboxRef, scopes: readonly string[]): Promise<AccessToken> {
    const sandbox = this.sandbox;
    if (!sandbox) throw new Error('SandboxAccess has no sandbox');
    if (mailbox.system === 'microsoft') {
      this.graph ??= this.graphToken(sandbox);
      return this.graph;
    }
    const key = `${mailbox.address}\u0000${[...scopes].sort().join(' ')}`;
    let pending = this.google.get(key);
    if (!pending) {
      this.calls++;
      pending = googleAccessToken(sandbox.endpoints, mailbox.address, scopes, sandbox.context.clock).then((token) => ({ token, expiresAt: Date.now() + 3_500_000 }));
      this.google.set(key, pending);
    }
    return pending;
  }

  imapLogin(mailbox: MailboxRef): Promise<ImapLogin> {
    const login = this.imapLogins.get(mailbox.address);
    if (!login) return Promise.reject(new Error('no IMAP login for this mailbox'));
    return Promise.resolve(login);
  }

  invalidate(mailbox: MailboxRef): void {
    if (mailbox.system === 'microsoft') this.graph = undefined;
    else for (const key of [...this.google.keys()]) if (key.startsWith(`${mailbox.address}\u0000`)) this.google.delete(key);
  }

  private async graphToken(sandbox: Sandbox): Promise<AccessToken> {
    this.calls++;
    const { tenantId, clientId, clientSecret } = sandbox.endpoints.microsoft;
    const origin = sandbox.endpoints.graph.replace(/\/v1\.0$/, '');
    const res = await fetch(`${sandbox.endpoints.entraAuthority}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: `${origin}/.default` }).toString(),
    });
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token) throw new Error(`sandbox token request failed: ${res.status}`);
    return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
  }
}

/** A mailbox reference for tests; the pseudonym is a hash, as the real one is a keyed HMAC. */
export function testMailbox(system: MailSystem, address: string, overrides: Partial<MailboxRef> = {}): MailboxRef {
  return {
    orgId: '00000000-0000-4000-8000-000000000001',
    connectorId: `${system}-connector`,
    system,
    address,
    pseudonym: `mbx-${createHash('sha256').update(address).digest('hex').slice(0, 16)}`,
    tenantKey: `${system}-connector`,
    ...overrides,
  };
}
