import { KeySourceUnavailableError } from './errors';
import { type GuardedApp, MemoryRecorder, startGuardedApp } from './testing/guarded-app.fixture';
import {
  claims,
  ORG_A,
  ORG_B,
  type SigningKey,
  signingKey,
  signToken,
  staticSource,
  withPayload,
} from './testing/token-fixtures';

describe('AccessGuard over HTTP', () => {
  let key: SigningKey;
  let running: GuardedApp;
  let recorder: MemoryRecorder;
  let orgAdmin: string;

  beforeAll(async () => {
    key = await signingKey('k1');
    orgAdmin = await signToken(key);
  });

  beforeEach(async () => {
    recorder = new MemoryRecorder();
    running = await startGuardedApp(staticSource(key), recorder);
  });

  afterEach(async () => {
    await running.app.close();
  });

  const call = (path: string, token?: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${running.baseUrl}${path}`, {
      ...init,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        'user-agent': 'guard-spec/1',
      },
    });
  const tokenFor = (overrides: Parameters<typeof claims>[0]): Promise<string> =>
    signToken(key, { payload: claims(overrides) });

  it('answers 401 with a Bearer challenge when there is no token', async () => {
    const response = await call('/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it('answers 401 for an Authorization header of another scheme', async () => {
    const response = await fetch(`${running.baseUrl}/me`, {
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it('answers 401 for a tampered token, without echoing it', async () => {
    const forged = withPayload(orgAdmin, claims({ roles: ['platform-admin'] }));
    const response = await call('/me', forged);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="ferry", error="invalid_token"');
    expect(await response.text()).not.toContain(forged.split('.')[1]);
  });

  it('hands the verified claims and the raw token to the handler', async () => {
    const response = await call('/me', orgAdmin);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      claims: { accountId: string; orgId: string; roles: string[] };
      token: string;
    };
    expect(body.claims).toMatchObject({ accountId: 'acc-1', orgId: ORG_A, roles: ['org-admin'] });
    expect(body.token).toBe(orgAdmin);
  });

  it('answers 403 and records the denial when the roles lack the permission', async () => {
    const viewer = await tokenFor({ roles: ['viewer'] });
    const response = await call(`/orgs/${ORG_A}/roles`, viewer, { method: 'POST' });
    expect(response.status).toBe(403);
    expect(recorder.denials).toEqual([
      expect.objectContaining({ reason: 'permission', permission: 'roles.manage', requestedOrg: ORG_A }),
    ]);
  });

  it("answers 404 for another organisation's route and records who tried", async () => {
    const response = await call(`/orgs/${ORG_B}/accounts`, orgAdmin);
    expect(response.status).toBe(404);
    expect(recorder.denials).toHaveLength(1);
    const [denial] = recorder.denials;
    expect(denial).toMatchObject({
      reason: 'cross-org',
      permission: 'accounts.read',
      requestedOrg: ORG_B,
      route: '/orgs/:org/accounts',
      userAgent: 'guard-spec/1',
      claims: { accountId: 'acc-1', orgId: ORG_A },
    });
    expect(denial?.sourceAddress).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(denial)).not.toContain(orgAdmin);
  });

  it('answers 404, not 403, for another organisation even without the permission', async () => {
    const viewer = await tokenFor({ roles: ['viewer'] });
    expect((await call(`/orgs/${ORG_B}/roles`, viewer, { method: 'POST' })).status).toBe(404);
    expect(recorder.denials.map((d) => d.reason)).toEqual(['cross-org']);
  });

  it('matches the route organisation case-insensitively', async () => {
    const response = await call(`/orgs/${ORG_A.toUpperCase()}/accounts`, orgAdmin);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orgId: ORG_A });
  });

  it('answers 404 to a platform account on an organisation route', async () => {
    const platformAdmin = await tokenFor({ org: undefined, roles: ['platform-admin'] });
    expect((await call(`/orgs/${ORG_A}/accounts`, platformAdmin)).status).toBe(404);
  });

  it('lets platform.* permissions through without an organisation match', async () => {
    const platformAdmin = await tokenFor({ org: undefined, roles: ['platform-admin'] });
    expect((await call(`/platform/orgs/${ORG_B}`, platformAdmin, { method: 'POST' })).status).toBe(201);
    expect((await call(`/platform/orgs/${ORG_B}`, orgAdmin, { method: 'POST' })).status).toBe(403);
  });

  it('refuses with 403 a handler that names neither a permission nor @Public', async () => {
    const response = await call('/undecorated', orgAdmin);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('reached');
  });

  it('opens a @Public handler to callers without a token', async () => {
    const response = await call('/open');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ open: true });
  });

  it("applies a controller's permission to its handlers, and a handler's @Public over it", async () => {
    const platformAdmin = await tokenFor({ org: undefined, roles: ['platform-admin'] });
    expect((await call('/reports', platformAdmin)).status).toBe(403);
    expect((await call('/reports', await tokenFor({ roles: ['auditor'] }))).status).toBe(200);
    expect((await call('/reports/status')).status).toBe(200);
  });

  it('keeps the 404 when recording the denial fails', async () => {
    await running.app.close();
    running = await startGuardedApp(staticSource(key), {
      record: () => Promise.reject(new Error('audit stream down')),
    });
    expect((await call(`/orgs/${ORG_B}/accounts`, orgAdmin)).status).toBe(404);
    expect(running.logger.at('warn').join('\n')).toContain('could not record an access denial');
  });

  it('answers 503 when the signing keys cannot be obtained', async () => {
    await running.app.close();
    running = await startGuardedApp({ getKey: () => Promise.reject(new KeySourceUnavailableError()) }, null);
    expect((await call('/me', orgAdmin)).status).toBe(503);
  });
});
