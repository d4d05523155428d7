import { createHash } from 'node:crypto';
import { ConnectorStatus, MicrosoftAuth, Outcome, Rpc, RpcErrorCode } from '@ferry/contracts';
import { type Sandbox, signInAsBrowser, startTestSandbox } from '@ferry/sandbox';
import { decodeJwt } from 'jose';
import { type ConnectorsService, ORG, OTHER_ORG, rpcFailure, startConnectorsService } from './connectors-service.fixture';

/** Two more organisations, for the race. */
const RACING_ORGS = ['7d3e2f1a-9b8c-4a7d-8e6f-5a4b3c2d1e0f', '8e4f3a2b-0c9d-4b8e-9f7a-6b5c4d3e2f1a'] as const;
import { BROWSER, CONSENT_CALLBACK, CONSENT_VERIFY_CALLBACK, entraUsers, observableText, queryOf, registerCallbacks, sandboxOnboarding } from './onboarding.fixture';

jest.setTimeout(120_000);

/**
 * Admin consent end to end: the installation's app lives in one sandbox tenant (contoso, which a
 * forged callback names), a customer (tailspin) consents to it, a third tenant (fourthcoffee) never
 * does, and a fourth (northwind) consents to two organisations' links at once. Every consent is
 * confirmed by a sign-in at the named tenant; the first user of each tenant is its Global
 * Administrator, the others hold no directory role.
 */
describe('admin consent through the connectors service', () => {
  let svc: ConnectorsService;
  let sandbox: Sandbox;
  let customer = '';
  let bystander = '';
  let admin = { userPrincipalName: '', password: '' };
  let customerUser = { userPrincipalName: '', password: '' };
  let home = '';
  let homeUser = { userPrincipalName: '', password: '' };
  let contested = '';
  let contestedAdmin = { userPrincipalName: '', password: '' };
  const failures: string[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      scenario: {
        name: 'admin-consent',
        microsoft: {
          tenants: [
            { domain: 'contoso.example', users: 2 },
            { domain: 'tailspin.example', users: 2 },
            { domain: 'fourthcoffee.example', users: 1 },
            { domain: 'northwind.example', users: 1 },
          ],
        },
      },
    });
    const tenants = [...sandbox.context.directory.microsoft.values()];
    customer = tenants.find((t) => t.domain === 'tailspin.example')!.tenantId;
    bystander = tenants.find((t) => t.domain === 'fourthcoffee.example')!.tenantId;
    const customerUsers = await entraUsers(sandbox, customer);
    admin = customerUsers[0]!;
    customerUser = customerUsers[1]!;
    home = sandbox.endpoints.microsoft.tenantId;
    homeUser = (await entraUsers(sandbox, home))[1]!;
    contested = tenants.find((t) => t.domain === 'northwind.example')!.tenantId;
    contestedAdmin = (await entraUsers(sandbox, contested))[0]!;
    await registerCallbacks(sandbox);
    svc = await startConnectorsService({ label: 'conn-consent', onboarding: sandboxOnboarding(sandbox) });
  });
  afterAll(async () => {
    await svc?.close();
    await sandbox?.close();
  });

  const start = async (org = ORG, name = 'Tailspin') =>
    svc.peer.request(Rpc.connectors.startConsent, { orgId: org, name, workloads: ['mail', 'directory'], context: { accessToken: await svc.accessToken({ org }), ...BROWSER } });
  const complete = (query: string) => svc.peer.request(Rpc.connectors.completeConsent, { query, context: BROWSER });
  const verify = (query: string) => svc.peer.request(Rpc.connectors.verifyConsent, { query, context: BROWSER });
  const as = (user: { userPrincipalName: string; password: string }) => ({ username: user.userPrincipalName, password: user.password });
  /** The confirming sign-in at a continuation, up to the verification callback's query. */
  const confirmAs = async (continueUrl: string, user: { username: string; password: string }) => queryOf(await signInAsBrowser(continueUrl, { callbackPrefix: CONSENT_VERIFY_CALLBACK, ...user }));
  /** Entra's consent callback, then the confirming sign-in by `user` (the consenting admin by default). */
  const completeAndVerify = async (query: string, user = credentials()) => verify(await confirmAs((await complete(query)).continueUrl, user));
  const refused = async (p: Promise<unknown>) => {
    const err = await rpcFailure(p);
    failures.push(err.message);
    return err.code;
  };
  const get = async (id: string, org = ORG) => (await svc.peer.request(Rpc.connectors.get, { orgId: org, connectorId: id, context: { accessToken: await svc.accessToken({ org }) } })).connector!;
  const token = async (id: string, org = ORG) => svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken('migration'), orgId: org, connectorId: id, scopes: [], subject: '' });
  const stateOf = (url: string) => new URL(url).searchParams.get('state') ?? '';
  const hash = (state: string) => createHash('sha256').update(state).digest('hex');
  /** What Entra's Cancel button answers. */
  const decline = async (consentUrl: string): Promise<string> => {
    const form = new URLSearchParams([...new URL(consentUrl).searchParams, ['username', admin.userPrincipalName], ['password', admin.password], ['decline', '1']]);
    const res = await fetch(consentUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
    return res.headers.get('location') ?? '';
  };

  let connectorId = '';
  let grantedQuery = '';
  let grantedState = '';
  const credentials = () => ({ username: admin.userPrincipalName, password: admin.password });

  it("starts with a pending connector on the installation's app and a single-use link to Entra's admin-consent endpoint", async () => {
    const { connector, consentUrl } = await start();
    connectorId = connector!.id;
    expect(connector).toMatchObject({ orgId: ORG, status: ConnectorStatus.PENDING_CONSENT, version: 1, secrets: [] });
    expect(connector!.settings.value).toMatchObject({ auth: MicrosoftAuth.ADMIN_CONSENT, tenantId: '', clientId: sandbox.endpoints.microsoft.clientId });
    const url = new URL(consentUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.endpoints.entraAuthority}/organizations/v2.0/adminconsent`);
    expect(url.searchParams.get('redirect_uri')).toBe(CONSENT_CALLBACK);
    expect(Buffer.from(stateOf(consentUrl), 'base64url')).toHaveLength(32);
    const rows = (await svc.tables()).get('onboarding_transactions') ?? [];
    expect(rows.find((r) => r['state_hash'] === hash(stateOf(consentUrl)))).toMatchObject({ kind: 'consent', org_id: ORG, connector_id: connectorId, spent: false, pkce_sealed: null });
    expect(JSON.stringify([...(await svc.tables()).values()])).not.toContain(stateOf(consentUrl));
    // Nothing to issue tokens with until the tenant is known.
    expect(await refused(token(connectorId))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    grantedState = stateOf(consentUrl);
    grantedQuery = queryOf(await signInAsBrowser(consentUrl, { callbackPrefix: CONSENT_CALLBACK, ...credentials() }));
  });

  let verifyQuery = '';

  it("answers Entra's consent callback with a sign-in at the named tenant, and activates nothing yet", async () => {
    const result = await complete(grantedQuery);
    expect(result).toMatchObject({ orgId: ORG, connectorId });
    const url = new URL(result.continueUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.endpoints.entraAuthority}/${customer}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: sandbox.endpoints.microsoft.clientId, response_type: 'code', redirect_uri: CONSENT_VERIFY_CALLBACK, code_challenge_method: 'S256' });
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile']));
    const verifyState = stateOf(result.continueUrl);
    expect(verifyState).not.toBe(grantedState);
    const row = ((await svc.tables()).get('onboarding_transactions') ?? []).find((r) => r['state_hash'] === hash(verifyState));
    expect(row).toMatchObject({ kind: 'consent-verify', org_id: ORG, connector_id: connectorId, expected_subject: customer, spent: false });
    expect(row?.['pkce_sealed']).not.toBeNull();
    expect((await get(connectorId)).status).toBe(ConnectorStatus.PENDING_CONSENT);
    verifyQuery = await confirmAs(result.continueUrl, credentials());
  });

  it("turns the connector active with the customer's tenant once its administrator signed in to confirm", async () => {
    expect(await verify(verifyQuery)).toMatchObject({ orgId: ORG, connectorId, continueUrl: '' });
    const connector = await get(connectorId);
    expect(connector).toMatchObject({ status: ConnectorStatus.ACTIVE, version: 2 });
    expect(connector.settings.value).toMatchObject({ auth: MicrosoftAuth.ADMIN_CONSENT, tenantId: customer });
  });

  it("then issues app-only tokens from the installation's app in that tenant, which Graph accepts", async () => {
    const issued = await token(connectorId);
    expect(decodeJwt(issued.accessToken)).toMatchObject({ tid: customer, appid: sandbox.endpoints.microsoft.clientId });
    const res = await fetch(`${sandbox.endpoints.graph}/users?$top=5&$select=userPrincipalName`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
    expect(res.status).toBe(200);
    const users = ((await res.json()) as { value: { userPrincipalName: string }[] }).value;
    expect(users.map((u) => u.userPrincipalName.split('@')[1])).toEqual(['tailspin.example', 'tailspin.example']);
  });

  it('refuses the same callbacks again: both states were spent', async () => {
    expect(await refused(complete(grantedQuery))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    expect(await refused(verify(verifyQuery))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    expect((await get(connectorId)).version).toBe(2);
  });

  it('refuses a declined consent, leaves the connector pending and spends the state', async () => {
    const { connector, consentUrl } = await start(ORG, 'Tailspin (declined)');
    const back = await decline(consentUrl);
    expect(new URL(back).searchParams.get('error')).toBe('access_denied');
    expect(await refused(complete(queryOf(back)))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await get(connector!.id)).status).toBe(ConnectorStatus.PENDING_CONSENT);
    // The state is gone: a made-up success answer with it changes nothing.
    expect(await refused(complete(`?admin_consent=True&tenant=${customer}&state=${stateOf(consentUrl)}`))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    expect((await get(connector!.id)).status).toBe(ConnectorStatus.PENDING_CONSENT);
  });

  it('refuses an unknown state and an expired one', async () => {
    expect(await refused(complete(`?admin_consent=True&tenant=${customer}&state=${'x'.repeat(43)}`))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    const { consentUrl } = await start(ORG, 'Tailspin (late)');
    const back = await signInAsBrowser(consentUrl, { callbackPrefix: CONSENT_CALLBACK, ...credentials() });
    await svc.db.query(`UPDATE connectors.onboarding_transactions SET expires_at = now() - interval '1 second' WHERE state_hash = $1`, [hash(stateOf(consentUrl))]);
    expect(await refused(complete(queryOf(back)))).toBe(RpcErrorCode.FAILED_PRECONDITION);
  });

  it('does not activate a connector on a forged answer naming a tenant that never consented: Entra knows no such app there', async () => {
    const { connector, consentUrl } = await start(ORG, 'Fourth Coffee (forged)');
    const { continueUrl } = await complete(`?admin_consent=True&tenant=${bystander}&state=${stateOf(consentUrl)}`);
    const bystanderAdmin = (await entraUsers(sandbox, bystander))[0]!;
    await expect(confirmAs(continueUrl, as(bystanderAdmin))).rejects.toThrow();
    expect((await get(connector!.id)).status).toBe(ConnectorStatus.PENDING_CONSENT);
  });

  it("refuses a forged answer naming another tenant where the app was consented: the confirming sign-in happens in that tenant", async () => {
    // Another organisation's manager keeps their own link's state and names the installation's home
    // tenant, where the app-only token works: the check of today alone would have activated it.
    const { connector, consentUrl } = await start(OTHER_ORG, 'Contoso (forged)');
    const { continueUrl } = await complete(`?admin_consent=True&tenant=${home}&state=${stateOf(consentUrl)}`);
    expect(new URL(continueUrl).pathname).toBe(`/${home}/oauth2/v2.0/authorize`);
    // Their own administrator account belongs to another tenant: Entra does not sign it in there.
    await expect(confirmAs(continueUrl, credentials())).rejects.toThrow();
    // An ordinary account they may hold in that tenant signs in, and is no administrator.
    expect(await refused(verify(await confirmAs(continueUrl, as(homeUser))))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await get(connector!.id, OTHER_ORG)).status).toBe(ConnectorStatus.PENDING_CONSENT);
    expect(await refused(token(connector!.id, OTHER_ORG))).toBe(RpcErrorCode.FAILED_PRECONDITION);
  });

  it('refuses a confirming sign-in by a user of the right tenant who holds no administrator role', async () => {
    const { connector, consentUrl } = await start(ORG, 'Tailspin (non-admin)');
    const query = queryOf(await signInAsBrowser(consentUrl, { callbackPrefix: CONSENT_CALLBACK, ...credentials() }));
    const { continueUrl } = await complete(query);
    const back = await confirmAs(continueUrl, as(customerUser));
    expect(await refused(verify(back))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await get(connector!.id)).status).toBe(ConnectorStatus.PENDING_CONSENT);
    // The verification state is single use: the same answer, or an administrator's after it, changes nothing.
    expect(await refused(verify(back))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    expect(await refused(verify(await confirmAs(continueUrl, credentials())))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    expect((await get(connector!.id)).status).toBe(ConnectorStatus.PENDING_CONSENT);
  });

  it('refuses to bind a tenant that another organisation already holds', async () => {
    const { connector, consentUrl } = await start(OTHER_ORG, 'Tailspin again');
    const back = await signInAsBrowser(consentUrl, { callbackPrefix: CONSENT_CALLBACK, ...credentials() });
    expect(await refused(complete(queryOf(back)))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await get(connector!.id, OTHER_ORG)).status).toBe(ConnectorStatus.PENDING_CONSENT);
  });

  it('lets only one of two organisations completing consent for one tenant at the same moment bind it', async () => {
    const started = await Promise.all(RACING_ORGS.map((org, i) => start(org, `Northwind ${i}`)));
    const northwindAdmin = { username: contestedAdmin.userPrincipalName, password: contestedAdmin.password };
    const queries: string[] = [];
    for (const s of started) {
      const { continueUrl } = await complete(queryOf(await signInAsBrowser(s.consentUrl, { callbackPrefix: CONSENT_CALLBACK, ...northwindAdmin })));
      queries.push(await confirmAs(continueUrl, northwindAdmin));
    }
    const completions = queries.map((q) => verify(q));
    const outcomes = await Promise.allSettled(completions);
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    const lost = 1 - won[0]!;
    expect(await refused(completions[lost]!)).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await get(started[won[0]!]!.connector!.id, RACING_ORGS[won[0]!])).status).toBe(ConnectorStatus.ACTIVE);
    expect((await get(started[lost]!.connector!.id, RACING_ORGS[lost])).status).toBe(ConnectorStatus.PENDING_CONSENT);
    const tables = await svc.tables();
    expect((tables.get('connectors') ?? []).filter((r) => r['consent_tenant_id'] === contested).map((r) => r['org_id'])).toEqual([RACING_ORGS[won[0]!]]);
    expect((tables.get('consent_tenants') ?? []).filter((r) => r['tenant_id'] === contested).map((r) => r['org_id'])).toEqual([RACING_ORGS[won[0]!]]);
  });

  it('lets a second connector of the organisation that holds the tenant consent again (as after the app gains permissions)', async () => {
    const { connector, consentUrl } = await start(ORG, 'Tailspin (re-consent)');
    await completeAndVerify(queryOf(await signInAsBrowser(consentUrl, { callbackPrefix: CONSENT_CALLBACK, ...credentials() })));
    expect(await get(connector!.id)).toMatchObject({ status: ConnectorStatus.ACTIVE });
    const holders = ((await svc.tables()).get('connectors') ?? []).filter((r) => r['consent_tenant_id'] === customer);
    expect(holders.map((r) => r['id']).sort()).toEqual([connectorId, connector!.id].sort());
  });

  it('requires connectors.manage to start, and the access token of the organisation', async () => {
    const viewer = await svc.accessToken({ roles: ['viewer'] });
    expect(await refused(svc.peer.request(Rpc.connectors.startConsent, { orgId: ORG, name: 'x', workloads: ['mail'], context: { accessToken: viewer } }))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect(await refused(svc.peer.request(Rpc.connectors.startConsent, { orgId: OTHER_ORG, name: 'x', workloads: ['mail'], context: { accessToken: await svc.accessToken() } }))).toBe(RpcErrorCode.NOT_FOUND);
  });

  it('audits the start, the grant with the tenant, and every refusal in the organisation of the link', async () => {
    const events = (await svc.auditEvents()).filter((e) => e.action.startsWith('connector.'));
    const mine = events.filter((e) => e.target?.id === connectorId).map((e) => `${e.action}:${Outcome[e.outcome]}`);
    expect(mine).toEqual(['connector.created:SUCCESS', 'connector.consent.granted:SUCCESS', 'connector.token.issued:SUCCESS', 'connector.consent.granted:DENIED', 'connector.consent.granted:DENIED']);
    const granted = events.find((e) => e.action === 'connector.consent.granted' && e.outcome === Outcome.SUCCESS);
    expect(granted).toMatchObject({ orgId: ORG, detail: { tenantId: customer, startedBy: 'acct-admin' }, sourceAddress: BROWSER.sourceAddress });
    const reasons = events.filter((e) => e.outcome !== Outcome.SUCCESS && e.action === 'connector.consent.granted').map((e) => `${e.orgId === ORG ? 'org' : 'other'}:${e.detail['reason']}`);
    expect(reasons.sort()).toEqual(
      [
        'org:declined',
        'org:expired-or-used',
        'org:expired-or-used',
        'org:expired-or-used',
        'org:expired-or-used',
        'org:expired-or-used',
        'org:expired-or-used',
        'org:not-an-admin',
        'other:not-an-admin',
        'other:tenant-held-elsewhere',
        'other:tenant-held-elsewhere',
      ].sort(),
    );
    const notAdmin = events.filter((e) => e.detail['reason'] === 'not-an-admin').map((e) => e.detail['tenantId']);
    expect(notAdmin.sort()).toEqual([customer, home].sort());
  });

  it('keeps the installation secret, the states and the admin out of logs, spans, audit events, errors and tables', async () => {
    const seen = [await observableText(svc), failures.join('\n'), JSON.stringify([...(await svc.tables()).values()])].join('\n');
    expect(seen).not.toContain(sandbox.endpoints.microsoft.clientSecret);
    expect(seen).not.toContain(grantedState);
    expect(seen).not.toContain(admin.userPrincipalName);
    expect(seen).not.toContain(admin.password);
    expect(seen).not.toContain(customerUser.userPrincipalName);
    expect(seen).not.toContain(homeUser.userPrincipalName);
    expect(seen).not.toContain(stateOf(new URL(`https://x/${verifyQuery}`).href));
  });
});
