import { randomBytes } from 'node:crypto';
import { type Sandbox, signInAsBrowser, startSandbox } from '@ferry/sandbox';
import { freePort } from '@ferry/platform/testing';
import { decodeJwt } from 'jose';
import { HmacKeyedHasher } from '../credentials/hmac-keyed-hasher.adapter';
import { type ApiResponse, type Enrolled, signInAndEnrol } from './api-client.fixture';
import { everythingRecorded, type IdentityService, startIdentityService } from './identity-service.fixture';

// Sandbox start-up generates RSA keys; each flow is several TLS round trips on a shared 2-core machine.
jest.setTimeout(120_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'root-admin', password: password() };

/** A browser at the provider: signs in on its form and returns the redirect to Ferry's callback. */
const signInAtProvider = (authorizationUrl: string, callbackPrefix: string, username: string, secret: string): Promise<string> =>
  signInAsBrowser(authorizationUrl, { callbackPrefix, username, password: secret });

const bindingOf = (res: ApiResponse): string => {
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('ferry_sso='));
  return /^ferry_sso=([^;]*)/.exec(cookie ?? '')?.[1] ?? '';
};

describe('single sign-on through the gateway against the sandbox identity providers', () => {
  let sandbox: Sandbox;
  let svc: IdentityService;
  let redirectUri: string;
  let tenantA: string;
  let tenantB: string;
  let orgA: string;
  let orgB: string;
  let adminA: Enrolled;
  let adminB: Enrolled;
  const flowValues: string[] = [];

  const tenant = (id: string) => {
    const t = sandbox.context.directory.microsoft.get(id);
    if (!t) throw new Error('no such sandbox tenant');
    return t;
  };
  const entraUser = () => {
    const u = [...tenant(tenantA).users.values()][0];
    if (!u) throw new Error('no sandbox user');
    return u;
  };
  const groups = () => {
    const [g1, g2, g3] = [...tenant(tenantA).groups.values()];
    if (!g1 || !g2 || !g3) throw new Error('the scenario has too few groups');
    return { operators: g1, auditors: g2, unmapped: g3 };
  };
  const setGroups = (...member: { members: Set<string> }[]) => {
    const g = groups();
    for (const group of [g.operators, g.auditors, g.unmapped]) {
      if (member.includes(group)) group.members.add(entraUser().id);
      else group.members.delete(entraUser().id);
    }
  };

  beforeAll(async () => {
    const stateDir = process.env['FERRY_SANDBOX_DIR'];
    if (!stateDir || !process.env['NODE_EXTRA_CA_CERTS'])
      throw new Error('run through scripts/test/jest-project.mjs: the sandbox CA must be trusted');
    sandbox = await startSandbox({
      stateDir,
      workloads: [],
      scenario: {
        name: 'sso-e2e',
        microsoft: {
          tenants: [
            { domain: 'contoso.example', users: 2, groups: 3 },
            { domain: 'tailspin.example', users: 1 },
          ],
        },
        google: { tenants: [{ domain: 'fabrikam.example', users: 1 }] },
      },
    });
    const { microsoft, google, entraAuthority } = sandbox.endpoints;
    const port = await freePort();
    redirectUri = `http://127.0.0.1:${port}${API}/auth/sso/callback`;
    tenantA = microsoft.tenantId;
    const b = [...sandbox.context.directory.microsoft.values()].find((t) => t.tenantId !== tenantA);
    const app = tenant(tenantA).apps.get(microsoft.clientId);
    if (!b || !app) throw new Error('the scenario needs two tenants and the Ferry app');
    tenantB = b.tenantId;
    app.redirectUris.add(redirectUri);
    // Ferry is one multi-tenant app registration, consented in tenant B as well.
    b.apps.set(app.clientId, { ...app, certificates: new Map() });
    sandbox.context.directory.google
      .get(google.customerId)
      ?.oauthClients.get(google.oauthClient.clientId)
      ?.redirectUris.add(redirectUri);

    svc = await startIdentityService({
      label: 'svc-sso',
      bootstrapAdmin: ADMIN,
      port,
      sso: {
        redirectUri,
        entra: {
          authority: entraAuthority,
          clientId: microsoft.clientId,
          clientSecret: microsoft.clientSecret,
        },
        google: {
          issuer: 'https://accounts.google.com',
          discoveryBase: entraAuthority,
          clientId: google.oauthClient.clientId,
          clientSecret: google.oauthClient.clientSecret,
        },
      },
    });
    const platformAdmin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
    const newOrg = async (name: string, loginName: string) => {
      const pw = password();
      const res = await svc.client.post(
        `${API}/orgs`,
        { name, admin: { loginName, displayName: 'IT Admin', password: pw } },
        platformAdmin.accessToken,
      );
      return { id: res.body['id'] as string, admin: await signInAndEnrol(svc.client, loginName, pw) };
    };
    ({ id: orgA, admin: adminA } = await newOrg('Contoso', 'contoso-admin'));
    ({ id: orgB, admin: adminB } = await newOrg('Tailspin', 'tailspin-admin'));
    const g = groups();
    const settings = await svc.client.call('PUT', `${API}/orgs/${orgA}/sso`, {
      token: adminA.accessToken,
      json: {
        entraTenantIds: [tenantA],
        allowedDomains: ['contoso.example'],
        groupRoles: [
          { group: g.operators.id, role: 'migration-operator' },
          { group: g.auditors.id, role: 'auditor' },
        ],
      },
    });
    if (settings.status !== 200) throw new Error(`PUT sso answered ${settings.status}: ${settings.text}`);
  });
  afterAll(async () => {
    await svc?.close();
    await sandbox?.close();
  });

  const start = (provider: string, org: string, hint?: string) =>
    svc.client.get(
      `${API}/auth/sso/${provider}/start?org=${org}${hint ? `&hint=${encodeURIComponent(hint)}` : ''}`,
    );
  /** start -> the provider's sign-in -> the redirect to Ferry's callback (not yet followed). */
  const throughProvider = async (
    provider: string,
    org: string,
    username: string,
    secret: string,
    hint?: string,
  ) => {
    const started = await start(provider, org, hint);
    if (started.status !== 302) throw new Error(`start answered ${started.status}: ${started.text}`);
    const callback = await signInAtProvider(
      String(started.headers['location']),
      redirectUri,
      username,
      secret,
    );
    const binding = bindingOf(started);
    const q = new URL(callback).searchParams;
    flowValues.push(binding, q.get('code') ?? '', q.get('state') ?? '');
    return { started, callback, binding };
  };
  const complete = (callback: string, binding: string | null) => {
    const u = new URL(callback);
    return svc.client.call(
      'GET',
      `${u.pathname}${u.search}`,
      binding === null ? {} : { headers: { cookie: `ferry_sso=${binding}` } },
    );
  };
  const ssoFailures = async () =>
    (await svc.auditEvents()).filter((e) => e.action === 'auth.sso.failed').map((e) => e.detail['reason']);

  it('signs an Entra user in via start, the sandbox sign-in and the callback, with the roles of their mapped groups', async () => {
    setGroups(groups().operators);
    const user = entraUser();
    const { started, callback, binding } = await throughProvider(
      'entra',
      orgA,
      user.userPrincipalName,
      user.password,
    );
    expect(String(started.headers['location'])).toMatch(
      new RegExp(`^${sandbox.endpoints.entraAuthority}/${tenantA}/oauth2/v2\\.0/authorize\\?`),
    );
    expect(started.headers['set-cookie']?.[0]).toMatch(
      /^ferry_sso=[A-Za-z0-9_-]{43}; Path=\/api\/v1\/auth\/sso; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/,
    );

    const done = await complete(callback, binding);
    expect(done.status).toBe(200);
    expect(done.body['status']).toBe('signed-in');
    expect(done.headers['set-cookie']?.[0]).toMatch(/^ferry_sso=; .*Max-Age=0/);
    const claims = decodeJwt(done.body['accessToken'] as string);
    expect(claims).toMatchObject({ org: orgA, roles: ['migration-operator'], amr: ['fed'] });

    const accounts = (await svc.client.get(`${API}/orgs/${orgA}/accounts`, adminA.accessToken)).body[
      'items'
    ] as Record<string, unknown>[];
    expect(accounts.find((a) => a['id'] === claims.sub)).toMatchObject({
      federated: true,
      loginName: expect.stringMatching(/^entra-[0-9a-f]{12}$/) as unknown,
      email: null,
      realName: null,
      mfaEnrolled: false,
      roles: ['migration-operator'],
    });
    // The session keeps a keyed pseudonym of the UPN, never the UPN.
    const sessions = (await svc.identityTables()).get('sessions') ?? [];
    expect(sessions.find((s) => s['id'] === claims['sid'])?.['subject_pseudonym']).toBe(
      new HmacKeyedHasher(svc.pseudonymKey).pseudonym(user.userPrincipalName.toLowerCase()),
    );

    // The flow is spent: the same callback again is refused.
    const replay = await complete(callback, binding);
    expect(replay.status).toBe(401);
    expect(replay.body['message']).toBe('single sign-on refused (unknown-state)');
    const events = await svc.auditEvents();
    expect(
      events.find((e) => e.action === 'auth.signin.succeeded' && e.target?.id === claims['sid'])?.detail,
    ).toEqual({ method: 'fed', provider: 'entra' });
    expect(events.find((e) => e.action === 'account.created' && e.target?.id === claims.sub)?.detail).toEqual(
      { provider: 'entra' },
    );
  });

  it('gives the same account the roles of its groups at each sign-in', async () => {
    const user = entraUser();
    const first = await (async () => {
      const { callback, binding } = await throughProvider(
        'entra',
        orgA,
        user.userPrincipalName,
        user.password,
      );
      return decodeJwt((await complete(callback, binding)).body['accessToken'] as string);
    })();
    setGroups(groups().auditors, groups().unmapped);
    const { callback, binding } = await throughProvider('entra', orgA, user.userPrincipalName, user.password);
    const moved = decodeJwt((await complete(callback, binding)).body['accessToken'] as string);
    expect(moved.sub).toBe(first.sub);
    expect(moved['roles']).toEqual(['auditor']);
    setGroups(groups().operators);
  });

  it("refuses a callback without the binding cookie or with another flow's (401, audited), which spends the flow", async () => {
    const user = entraUser();
    const before = (await ssoFailures()).filter((r) => r === 'binding-mismatch').length;
    const lost = await throughProvider('entra', orgA, user.userPrincipalName, user.password);
    const without = await complete(lost.callback, null);
    expect(without.status).toBe(401);
    expect(without.body['message']).toBe('single sign-on refused (binding-mismatch)');
    expect((await complete(lost.callback, lost.binding)).body['message']).toBe(
      'single sign-on refused (unknown-state)',
    );
    expect((await ssoFailures()).filter((r) => r === 'binding-mismatch')).toHaveLength(before + 1);

    const { callback, binding } = await throughProvider('entra', orgA, user.userPrincipalName, user.password);
    const other = await start('entra', orgA);
    const mismatched = await complete(callback, bindingOf(other));
    expect(mismatched.status).toBe(401);
    expect(mismatched.body['message']).toBe('single sign-on refused (binding-mismatch)');
    // A callback that reached Ferry from the wrong browser cannot be finished by the right one afterwards.
    expect((await complete(callback, binding)).body['message']).toBe(
      'single sign-on refused (unknown-state)',
    );
    expect(await ssoFailures()).toEqual(expect.arrayContaining(['binding-mismatch', 'unknown-state']));
  });

  it('refuses a tenant the organisation does not allow, and an organisation that has not enabled the provider', async () => {
    const hinted = await start('entra', orgA, tenantB);
    expect(hinted.status).toBe(401);
    expect(hinted.body['message']).toBe('single sign-on refused (tenant-not-allowed)');
    expect(hinted.headers['location']).toBeUndefined();
    const off = await start('entra', orgB);
    expect(off.status).toBe(401);
    expect(off.body['message']).toBe('single sign-on refused (provider-not-enabled)');
    expect((await start('entra', 'not-a-uuid')).status).toBe(400);
    expect((await start('okta', orgA)).status).toBe(400);
  });

  it('refuses the same identity-provider user in a second organisation that allows the same tenant', async () => {
    const g = groups();
    const put = await svc.client.call('PUT', `${API}/orgs/${orgB}/sso`, {
      token: adminB.accessToken,
      json: {
        entraTenantIds: [tenantB, tenantA],
        allowedDomains: ['contoso.example', 'tailspin.example'],
        groupRoles: [{ group: g.operators.id, role: 'viewer' }],
      },
    });
    expect(put.status).toBe(200);
    const user = entraUser();
    const { callback, binding } = await throughProvider(
      'entra',
      orgB,
      user.userPrincipalName,
      user.password,
      tenantA,
    );
    const res = await complete(callback, binding);
    expect(res.status).toBe(401);
    expect(res.body['message']).toBe('single sign-on refused (account-in-other-organisation)');
    const inB = (await svc.client.get(`${API}/orgs/${orgB}/accounts`, adminB.accessToken)).body['items'] as {
      federated: boolean;
    }[];
    expect(inB.filter((a) => a.federated)).toEqual([]);
  });

  it('refuses a user in no mapped group, and a user outside the allowed domains', async () => {
    const user = entraUser();
    setGroups(groups().unmapped);
    const noGroup = await throughProvider('entra', orgA, user.userPrincipalName, user.password);
    const refused = await complete(noGroup.callback, noGroup.binding);
    expect(refused.status).toBe(401);
    expect(refused.body['message']).toBe('single sign-on refused (no-mapped-group)');

    setGroups(groups().operators);
    const g = groups();
    const narrowed = await svc.client.call('PUT', `${API}/orgs/${orgA}/sso`, {
      token: adminA.accessToken,
      json: {
        entraTenantIds: [tenantA],
        allowedDomains: ['subsidiary.contoso.example'],
        groupRoles: [{ group: g.operators.id, role: 'migration-operator' }],
      },
    });
    expect(narrowed.status).toBe(200);
    const outside = await throughProvider('entra', orgA, user.userPrincipalName, user.password);
    expect((await complete(outside.callback, outside.binding)).body['message']).toBe(
      'single sign-on refused (principal-domain-not-allowed)',
    );
    expect(await ssoFailures()).toEqual(
      expect.arrayContaining(['no-mapped-group', 'principal-domain-not-allowed']),
    );
    expect(
      (await svc.auditEvents()).filter((e) => e.action === 'org.sso.updated').length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('signs a Google Workspace user in at the sandbox but refuses them: Google ID tokens carry no groups to map', async () => {
    const put = await svc.client.call('PUT', `${API}/orgs/${orgB}/sso`, {
      token: adminB.accessToken,
      json: {
        googleHostedDomains: ['fabrikam.example'],
        allowedDomains: ['fabrikam.example'],
        groupRoles: [{ group: 'ferry-operators@fabrikam.example', role: 'viewer' }],
      },
    });
    expect(put.status).toBe(200);
    const directory = sandbox.context.directory.google.get(sandbox.endpoints.google.customerId);
    const user = [...(directory?.users.values() ?? [])].find((u) => !u.isAdmin);
    if (!user) throw new Error('no Google sandbox user');
    const { started, callback, binding } = await throughProvider(
      'google',
      orgB,
      user.primaryEmail,
      user.password,
    );
    const auth = new URL(String(started.headers['location']));
    expect(auth.origin + auth.pathname).toBe(`${sandbox.endpoints.entraAuthority}/o/oauth2/v2/auth`);
    expect(auth.searchParams.get('hd')).toBe('fabrikam.example');
    const res = await complete(callback, binding);
    expect(res.status).toBe(401);
    expect(res.body['message']).toBe('single sign-on refused (no-mapped-group)');
    const inB = (await svc.client.get(`${API}/orgs/${orgB}/accounts`, adminB.accessToken)).body['items'] as {
      federated: boolean;
    }[];
    expect(inB.filter((a) => a.federated)).toEqual([]);
  });

  it('keeps no UPN, email, authorization code, state or binding of an SSO flow in any log, span, audit event or table', async () => {
    const records = await everythingRecorded(svc);
    const google = [
      ...(sandbox.context.directory.google.get(sandbox.endpoints.google.customerId)?.users.values() ?? []),
    ].map((u) => u.primaryEmail);
    const planted = [
      entraUser().userPrincipalName,
      entraUser().userPrincipalName.toLowerCase(),
      ...google,
      ...flowValues.filter((v) => v.length >= 16),
    ];
    expect(planted.length).toBeGreaterThan(20);
    const found = planted.flatMap((value) =>
      records.filter((r) => r.text.includes(value)).map((r) => `${value.slice(0, 12)}… in ${r.where}`),
    );
    expect(found).toEqual([]);
    // The scan did read the federated account's row.
    expect(
      records.some((r) => r.where.startsWith('identity.accounts') && r.text.includes('"federated_issuer":"')),
    ).toBe(true);
  });
});
