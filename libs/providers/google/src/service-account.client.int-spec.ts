import { google } from 'googleapis';
import { GOOGLE_DELEGATION_SCOPES, GOOGLE_DIRECTORY_USER_READONLY_SCOPE } from './google-scopes';
import { googleApiOptions } from './googleapis.transport';
import { GoogleServiceAccountClient } from './service-account.client';
import { type GoogleSandbox, startGoogleSandbox } from './testing/google-sandbox.fixture';
import { providerFailure } from './testing/provider-failure';

// Sandbox start-up generates RSA keys, and each exchange is a TLS round trip on a shared 2-core machine.
jest.setTimeout(60_000);

const GMAIL_READONLY = GOOGLE_DELEGATION_SCOPES.mail[0] ?? '';

describe('GoogleServiceAccountClient against the sandbox', () => {
  let g: GoogleSandbox;
  let client: GoogleServiceAccountClient;

  beforeAll(async () => {
    g = await startGoogleSandbox();
    client = new GoogleServiceAccountClient({ key: g.key, fetch: g.fetch });
  });
  afterAll(() => g.close());
  beforeEach(() => g.setDelegation([GOOGLE_DIRECTORY_USER_READONLY_SCOPE, GMAIL_READONLY]));

  it('mints a delegated token that googleapis can use as the admin user, through the guarded fetch', async () => {
    const before = Date.now();
    const token = await client.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]);
    expect(token.granted).toEqual([GOOGLE_DIRECTORY_USER_READONLY_SCOPE]);
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_500_000);
    expect(token.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const admin = google.admin({
      version: 'directory_v1',
      ...googleApiOptions({ accessToken: token.accessToken, endpoints: g.endpoints, fetch: g.fetch }),
    });
    const users = await admin.users.list({ customer: g.customerId, maxResults: 10 });
    expect(users.data.users?.map((u) => u.primaryEmail)).toContain(g.adminUser);
  });

  it('acts as the subject: a Gmail token reads that user’s own mailbox', async () => {
    const user = g.users[0]?.email ?? '';
    const token = await client.acquireDelegatedToken(user, [GMAIL_READONLY]);
    const gmail = google.gmail({
      version: 'v1',
      ...googleApiOptions({ accessToken: token.accessToken, endpoints: g.endpoints, fetch: g.fetch }),
    });
    const profile = await gmail.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe(user);
  });

  it('refuses a scope that is not delegated as not-authorized (unauthorized_client)', async () => {
    await g.setDelegation([GOOGLE_DIRECTORY_USER_READONLY_SCOPE]);
    const error = await providerFailure(
      client.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE, GMAIL_READONLY]),
    );
    expect(error).toMatchObject({
      code: 'not-authorized',
      retryable: false,
      details: { providerCode: 'unauthorized_client', status: 401 },
    });
  });

  it('reports a user who does not exist as unknown-tenant (invalid_grant)', async () => {
    const error = await providerFailure(
      client.acquireDelegatedToken('nobody-here@fabrikam.example', [GMAIL_READONLY]),
    );
    expect(error).toMatchObject({
      code: 'unknown-tenant',
      details: { providerCode: 'invalid_grant', status: 400 },
    });
    expect(error.message).toMatch(/does not exist/);
  });

  it('reports a suspended user as unknown-tenant', async () => {
    const user = g.sandbox.context.directory.google.get(g.customerId)?.users.get(g.users[1]?.email ?? '');
    if (!user) throw new Error('seeded user missing');
    user.suspended = true;
    try {
      await expect(client.acquireDelegatedToken(user.primaryEmail, [GMAIL_READONLY])).rejects.toMatchObject({
        code: 'unknown-tenant',
      });
    } finally {
      user.suspended = false;
    }
  });

  it('refuses a deleted (unknown) key as invalid-credentials', async () => {
    const stale = new GoogleServiceAccountClient({ key: g.deletedKey(), fetch: g.fetch });
    const error = await providerFailure(
      stale.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]),
    );
    expect(error).toMatchObject({ code: 'invalid-credentials', details: { providerCode: 'invalid_grant' } });
  });

  it('reports a deleted service account as unknown-client (invalid_client)', async () => {
    const tenant = g.sandbox.context.directory.google.get(g.customerId);
    const account = tenant?.serviceAccounts.get(g.key.clientEmail);
    if (!tenant || !account) throw new Error('seeded service account missing');
    tenant.serviceAccounts.delete(g.key.clientEmail);
    try {
      const error = await providerFailure(
        client.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]),
      );
      expect(error).toMatchObject({
        code: 'unknown-client',
        details: { providerCode: 'invalid_client', status: 401 },
      });
    } finally {
      tenant.serviceAccounts.set(g.key.clientEmail, account);
    }
  });

  it('dates the assertion by the given clock: an hour ahead of Google is refused, naming the clock', async () => {
    const ahead = new GoogleServiceAccountClient({
      key: g.key,
      fetch: g.fetch,
      clock: { now: () => Date.now() + 3_600_000 },
    });
    const error = await providerFailure(
      ahead.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]),
    );
    expect(error).toMatchObject({ code: 'invalid-credentials', details: { providerCode: 'invalid_grant' } });
    expect(error.message).toMatch(/clock/);
  });

  it('maps a 503 from the token endpoint to a retryable provider-error', async () => {
    await g.injectFault({
      operation: 'google.oauth.token',
      times: 1,
      effect: { kind: 'status', status: 503 },
    });
    const error = await providerFailure(
      client.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]),
    );
    expect(error).toMatchObject({ code: 'provider-error', retryable: true, details: { status: 503 } });
  });

  it('gives up on a token endpoint slower than the fetch deadline as unreachable', async () => {
    await g.injectFault({
      operation: 'google.oauth.token',
      times: 1,
      effect: { kind: 'latency', latency: { kind: 'fixed', ms: 3000 } },
    });
    const impatient = new GoogleServiceAccountClient({ key: g.key, fetch: g.fetchWith({ timeoutMs: 500 }) });
    const error = await providerFailure(
      impatient.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]),
    );
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
  });

  it('sends nothing when the destination policy does not allow-list the sandbox', async () => {
    const before = await g.requestsFor('google.oauth.token');
    const guarded = new GoogleServiceAccountClient({ key: g.key, fetch: g.refusingFetch });
    const error = await providerFailure(
      guarded.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]),
    );
    expect(error.code).toBe('destination-refused');
    expect(await g.requestsFor('google.oauth.token')).toBe(before);
  });

  it('refuses a malformed subject or scope before any request', async () => {
    const before = await g.requestsFor('google.oauth.token');
    await expect(client.acquireDelegatedToken('not an address', [GMAIL_READONLY])).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'subject must be an email address',
    });
    await expect(client.acquireDelegatedToken(g.adminUser, [])).rejects.toMatchObject({
      code: 'invalid-input',
    });
    await expect(client.acquireDelegatedToken(g.adminUser, ['gmail readonly'])).rejects.toMatchObject({
      code: 'invalid-input',
    });
    expect(await g.requestsFor('google.oauth.token')).toBe(before);
  });
});
