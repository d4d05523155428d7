import { createHash } from 'node:crypto';
import { ConnectorKind, GoogleAuth, MicrosoftAuth, Outcome, Rpc, RpcErrorCode } from '@ferry/contracts';
import { EnvelopeCipher, SealedValue } from '@ferry/platform/crypto';
import { Pseudonymizer } from '@ferry/platform/telemetry';
import { type Sandbox, signInAsBrowser, startTestSandbox } from '@ferry/sandbox';
import { decodeJwt } from 'jose';
import { secretContext } from '../persistence/secret-sealer';
import { type ConnectorsService, ORG, rpcFailure, startConnectorsService } from './connectors-service.fixture';
import { BROWSER, DELEGATION_CALLBACK, entraUsers, googleUsers, observableText, queryOf, registerCallbacks, sandboxOnboarding } from './onboarding.fixture';

jest.setTimeout(120_000);

/** The fixture's pseudonym key: the service keys per-user grants with these pseudonyms. */
const pseudonyms = new Pseudonymizer(Buffer.alloc(32, 7));

describe('delegated per-user grants through the connectors service', () => {
  let svc: ConnectorsService;
  let sandbox: Sandbox;
  let ms: { id: string; userPrincipalName: string; password: string }[] = [];
  let google: { primaryEmail: string; password: string }[] = [];
  let msConnector = '';
  let googleConnector = '';
  const failures: string[] = [];
  /** Everything secret the test saw, for the final scan. */
  const secrets: string[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    await registerCallbacks(sandbox);
    ms = (await entraUsers(sandbox, sandbox.endpoints.microsoft.tenantId)).slice(1);
    google = (await googleUsers(sandbox, sandbox.endpoints.google.customerId)).filter((u) => u.primaryEmail !== sandbox.endpoints.google.adminUser);
    const root = sandbox.endpoints.googleRoot;
    svc = await startConnectorsService({
      label: 'conn-delegated',
      google: { apiRoot: root, authUri: `${root}o/oauth2/v2/auth`, tokenUri: sandbox.endpoints.googleTokenUri },
      onboarding: sandboxOnboarding(sandbox),
    });
    const context = { accessToken: await svc.accessToken() };
    const m = sandbox.endpoints.microsoft;
    const g = sandbox.endpoints.google;
    secrets.push(m.clientSecret, g.oauthClient.clientSecret, ...ms.map((u) => u.password), ...google.map((u) => u.password));
    msConnector = (
      await svc.peer.request(Rpc.connectors.create, {
        orgId: ORG,
        name: 'Contoso mailboxes',
        kind: ConnectorKind.MICROSOFT_365,
        secret: m.clientSecret,
        settings: { case: 'microsoft', value: { auth: MicrosoftAuth.DELEGATED, tenantId: m.tenantId, clientId: m.clientId, cloud: 'custom', authorityHost: sandbox.endpoints.entraAuthority, graphOrigin: new URL(sandbox.endpoints.graph).origin } },
        workloads: ['mail'],
        context,
      })
    ).connector!.id;
    googleConnector = (
      await svc.peer.request(Rpc.connectors.create, {
        orgId: ORG,
        name: 'Fabrikam mailboxes',
        kind: ConnectorKind.GOOGLE_WORKSPACE,
        secret: g.oauthClient.clientSecret,
        settings: { case: 'google', value: { auth: GoogleAuth.DELEGATED, customerId: g.customerId, oauthClientId: g.oauthClient.clientId } },
        workloads: ['mail'],
        context,
      })
    ).connector!.id;
  });
  afterAll(async () => {
    await svc?.close();
    await sandbox?.close();
  });

  /** The browser binding each flow was started with, by state: what the starting browser's cookie holds. */
  const bindings = new Map<string, string>();
  const stateOf = (queryOrUrl: string) => new URLSearchParams(queryOrUrl.includes('://') ? new URL(queryOrUrl).search : queryOrUrl).get('state') ?? '';
  const start = async (connectorId: string, loginHint = '') => {
    const started = await svc.peer.request(Rpc.connectors.startDelegation, { ref: { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken(), ...BROWSER } }, loginHint });
    bindings.set(stateOf(started.authorizationUrl), started.browserBinding);
    secrets.push(started.browserBinding);
    return started.authorizationUrl;
  };
  /** Completes as the gateway would in the browser that started the flow, unless another binding is given. */
  const complete = (query: string, browserBinding = bindings.get(stateOf(query)) ?? '') => svc.peer.request(Rpc.connectors.completeDelegation, { query, browserBinding, context: BROWSER });
  const grant = async (url: string, user: { username: string; password: string }) => {
    const back = await signInAsBrowser(url, { callbackPrefix: DELEGATION_CALLBACK, ...user });
    secrets.push(new URL(back).searchParams.get('code') ?? '');
    return queryOf(back);
  };
  const msUser = (i: number) => ({ username: ms[i]!.userPrincipalName, password: ms[i]!.password });
  const googleUser = (i: number) => ({ username: google[i]!.primaryEmail, password: google[i]!.password });
  const token = async (connectorId: string, subject: string) => {
    const issued = await svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken('migration'), orgId: ORG, connectorId, scopes: [], subject });
    secrets.push(issued.accessToken);
    return issued;
  };
  const refused = async (p: Promise<unknown>) => {
    const err = await rpcFailure(p);
    failures.push(err.message);
    return err.code;
  };
  /** The refresh token the vault holds for `address` on a connector, opened as the service would. */
  const storedGrant = async (connectorId: string, address: string): Promise<string | undefined> => {
    const field = `user/${pseudonyms.pseudonym(address)}`;
    const [row] = await svc.db.query<{ sealed: string }[]>('SELECT sealed FROM connectors.connector_secrets WHERE connector_id = $1 AND field = $2', [connectorId, field]);
    if (!row) return undefined;
    const opened = await svc.app.get(EnvelopeCipher).open(SealedValue.parse(row.sealed), secretContext(ORG, connectorId, field));
    const { refreshToken } = JSON.parse(opened.toString('utf8')) as { refreshToken: string };
    secrets.push(refreshToken);
    return refreshToken;
  };
  const bump = async (connectorId: string, name: string) =>
    svc.peer.request(Rpc.connectors.update, { ref: { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } }, name });

  describe('Microsoft 365', () => {
    it("starts with Entra's authorize URL: PKCE S256, the login hint and the connector's delegated scopes; the verifier is stored sealed", async () => {
      const url = new URL(await start(msConnector, ms[0]!.userPrincipalName));
      expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.endpoints.entraAuthority}/${sandbox.endpoints.microsoft.tenantId}/oauth2/v2.0/authorize`);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ redirect_uri: DELEGATION_CALLBACK, code_challenge_method: 'S256', login_hint: ms[0]!.userPrincipalName, response_type: 'code' });
      expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', `${new URL(sandbox.endpoints.graph).origin}/Mail.ReadWrite`]));
      const state = url.searchParams.get('state') ?? '';
      const [row] = await svc.db.query<Record<string, unknown>[]>('SELECT * FROM connectors.onboarding_transactions WHERE state_hash = $1', [createHash('sha256').update(state).digest('hex')]);
      const binding = bindings.get(state) ?? '';
      expect(Buffer.from(binding, 'base64url')).toHaveLength(32);
      expect(row).toMatchObject({
        kind: 'delegation',
        connector_id: msConnector,
        expected_subject: pseudonyms.pseudonym(ms[0]!.userPrincipalName),
        started_by: 'acct-admin',
        binding_hash: createHash('sha256').update(binding).digest('hex'),
      });
      expect(String(row!['pkce_sealed'])).toMatch(/^v1\./);
    });

    it("stores the user's refresh token sealed under their pseudonym once they granted access", async () => {
      const result = await complete(await grant(await start(msConnector, ms[0]!.userPrincipalName), msUser(0)));
      expect(result).toMatchObject({ orgId: ORG, connectorId: msConnector, userCredentialCount: 1 });
      expect(await storedGrant(msConnector, ms[0]!.userPrincipalName)).toMatch(/^sandbox-rt\./);
    });

    it("then issues that user's tokens, which Graph accepts as that user, and stores the rotated refresh token", async () => {
      const before = await storedGrant(msConnector, ms[0]!.userPrincipalName);
      const issued = await token(msConnector, ms[0]!.userPrincipalName.toUpperCase());
      expect(decodeJwt(issued.accessToken)).toMatchObject({ oid: ms[0]!.id, scp: 'Mail.ReadWrite' });
      // Mail.ReadWrite reaches the user's own mailbox, and no one else's.
      const own = await fetch(`${sandbox.endpoints.graph}/me/messages?$top=1&$select=id`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
      expect(own.status).toBe(200);
      const other = await fetch(`${sandbox.endpoints.graph}/users/${ms[1]!.id}/messages?$top=1&$select=id`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
      expect(other.status).toBe(403);
      const rotated = await storedGrant(msConnector, ms[0]!.userPrincipalName);
      expect(rotated).not.toBe(before);
      // The rotated token is the one in use: a token after the cache is bypassed comes from it.
      await bump(msConnector, 'Contoso mailboxes (renamed)');
      expect((await token(msConnector, ms[0]!.userPrincipalName)).accessToken).not.toBe(issued.accessToken);
    });

    it("does not let one user's grant act as another user", async () => {
      expect(await refused(token(msConnector, ms[1]!.userPrincipalName))).toBe(RpcErrorCode.FAILED_PRECONDITION);
      expect(failures.at(-1)).not.toContain(ms[1]!.userPrincipalName);
    });

    it('refuses a grant by another account than the one the link was made for, and stores nothing for it', async () => {
      expect(await refused(complete(await grant(await start(msConnector, ms[1]!.userPrincipalName), msUser(0))))).toBe(RpcErrorCode.PERMISSION_DENIED);
      expect(await storedGrant(msConnector, ms[1]!.userPrincipalName)).toBeUndefined();
    });

    it("refuses a replayed callback, and one user's code presented with another link's state (PKCE)", async () => {
      const query = await grant(await start(msConnector), msUser(1));
      await complete(query);
      expect(await refused(complete(query))).toBe(RpcErrorCode.FAILED_PRECONDITION);
      const stolen = new URLSearchParams(await grant(await start(msConnector), msUser(1))).get('code') ?? '';
      const other = new URL(await start(msConnector)).searchParams.get('state') ?? '';
      expect(await refused(complete(`?code=${encodeURIComponent(stolen)}&state=${other}`))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    });

    describe('browser binding', () => {
      it.each([
        ['without a binding', () => ''],
        ["with another flow's binding", (other: string) => other],
      ])('refuses a callback %s, stores nothing, and spends the state: not even the right browser can use it after', async (_what, given) => {
        const url = await start(msConnector);
        const other = bindings.get(stateOf(await start(msConnector))) ?? '';
        const query = await grant(url, msUser(1));
        // The user's grant from an earlier test stays as it was.
        const before = await storedGrant(msConnector, ms[1]!.userPrincipalName);
        expect(await refused(complete(query, given(other)))).toBe(RpcErrorCode.UNAUTHENTICATED);
        expect(await storedGrant(msConnector, ms[1]!.userPrincipalName)).toBe(before);
        expect(await refused(complete(query))).toBe(RpcErrorCode.FAILED_PRECONDITION);
        expect(await storedGrant(msConnector, ms[1]!.userPrincipalName)).toBe(before);
      });

      it('refuses a flow stored before bindings existed (no binding hash), whatever binding comes with it', async () => {
        const url = await start(msConnector);
        await svc.db.query('UPDATE connectors.onboarding_transactions SET binding_hash = NULL WHERE state_hash = $1', [createHash('sha256').update(stateOf(url)).digest('hex')]);
        const before = await storedGrant(msConnector, ms[1]!.userPrincipalName);
        expect(await refused(complete(await grant(url, msUser(1))))).toBe(RpcErrorCode.UNAUTHENTICATED);
        expect(await storedGrant(msConnector, ms[1]!.userPrincipalName)).toBe(before);
      });

      it('completes with the right binding', async () => {
        const url = await start(msConnector);
        const before = await storedGrant(msConnector, ms[1]!.userPrincipalName);
        expect(await complete(await grant(url, msUser(1)), bindings.get(stateOf(url)))).toMatchObject({ connectorId: msConnector, userCredentialCount: 2 });
        const after = await storedGrant(msConnector, ms[1]!.userPrincipalName);
        expect(after).toMatch(/^sandbox-rt\./);
        expect(after).not.toBe(before);
      });
    });

    it("refuses a consent's state at the delegation callback and a delegation's at the consent callback, spending both", async () => {
      const consent = await svc.peer.request(Rpc.connectors.startConsent, { orgId: ORG, name: 'Pending', workloads: ['mail'], context: { accessToken: await svc.accessToken() } });
      const consentState = new URL(consent.consentUrl).searchParams.get('state') ?? '';
      expect(await refused(complete(`?code=x&state=${consentState}`))).toBe(RpcErrorCode.FAILED_PRECONDITION);
      expect(await refused(svc.peer.request(Rpc.connectors.completeConsent, { query: `?admin_consent=True&tenant=${sandbox.endpoints.microsoft.tenantId}&state=${consentState}`, context: BROWSER }))).toBe(RpcErrorCode.FAILED_PRECONDITION);
      const query = await grant(await start(msConnector), msUser(0));
      expect(await refused(svc.peer.request(Rpc.connectors.completeConsent, { query, context: BROWSER }))).toBe(RpcErrorCode.FAILED_PRECONDITION);
      expect(await refused(complete(query))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    });

    it('refuses starting a grant on a connector that takes none, and without connectors.manage', async () => {
      const viewer = await svc.accessToken({ roles: ['viewer'] });
      expect(await refused(svc.peer.request(Rpc.connectors.startDelegation, { ref: { orgId: ORG, connectorId: msConnector, context: { accessToken: viewer } }, loginHint: '' }))).toBe(RpcErrorCode.PERMISSION_DENIED);
      const consent = await svc.peer.request(Rpc.connectors.startConsent, { orgId: ORG, name: 'Not delegated', workloads: ['mail'], context: { accessToken: await svc.accessToken() } });
      expect(await refused(start(consent.connector!.id))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    });
  });

  describe('Google Workspace', () => {
    it("stores a user's grant and issues their tokens, which Gmail accepts, again after the cache is bypassed", async () => {
      const url = new URL(await start(googleConnector));
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('access_type')).toBe('offline');
      expect(await complete(await grant(url.href, googleUser(0)))).toMatchObject({ connectorId: googleConnector, userCredentialCount: 1 });
      const profile = async () => {
        const issued = await token(googleConnector, google[0]!.primaryEmail);
        const res = await fetch(`${sandbox.endpoints.googleRoot}gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
        return ((await res.json()) as { emailAddress?: string }).emailAddress;
      };
      expect(await profile()).toBe(google[0]!.primaryEmail);
      // Google does not rotate refresh tokens: the stored one keeps working.
      const stored = await storedGrant(googleConnector, google[0]!.primaryEmail);
      await bump(googleConnector, 'Fabrikam mailboxes (renamed)');
      expect(await profile()).toBe(google[0]!.primaryEmail);
      expect(await storedGrant(googleConnector, google[0]!.primaryEmail)).toBe(stored);
      expect(await refused(token(googleConnector, google[1]!.primaryEmail))).toBe(RpcErrorCode.FAILED_PRECONDITION);
    });

    it("takes two users' grants at once, and a grant leaves other users' cached tokens alone", async () => {
      const cached = await token(googleConnector, google[0]!.primaryEmail);
      const [a, b] = await Promise.all([start(googleConnector), start(googleConnector)]);
      const [qa, qb] = await Promise.all([grant(a, googleUser(1)), grant(b, googleUser(2))]);
      const done = await Promise.all([complete(qa), complete(qb)]);
      expect(done.map((d) => d.connectorId)).toEqual([googleConnector, googleConnector]);
      expect(Math.max(...done.map((d) => d.userCredentialCount))).toBe(3);
      expect((await token(googleConnector, google[0]!.primaryEmail)).accessToken).toBe(cached.accessToken);
      expect((await token(googleConnector, google[2]!.primaryEmail)).accessToken).not.toBe(cached.accessToken);
    });
  });

  describe('connection tests of delegated connectors', () => {
    const test = async (connectorId: string) => svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } });

    it('refresh each sampled grant and check it covers the workloads, labelled by pseudonym, never by address', async () => {
      for (const connectorId of [msConnector, googleConnector]) {
        const report = await test(connectorId);
        expect(report.findings.length).toBeGreaterThan(0);
        expect(new Set(report.findings.map((f) => `${f.check.replace(/:.*/, ':*')} ${f.status}`))).toEqual(new Set(['grant:* ok']));
        expect(report.ok).toBe(true);
        expect(JSON.stringify(report.findings)).not.toMatch(/@/);
      }
    });

    it('say what is missing before anyone granted access', async () => {
      const m = sandbox.endpoints.microsoft;
      const { connector } = await svc.peer.request(Rpc.connectors.create, {
        orgId: ORG,
        name: 'Contoso, no grants yet',
        kind: ConnectorKind.MICROSOFT_365,
        secret: m.clientSecret,
        settings: { case: 'microsoft', value: { auth: MicrosoftAuth.DELEGATED, tenantId: m.tenantId, clientId: m.clientId, cloud: 'custom', authorityHost: sandbox.endpoints.entraAuthority, graphOrigin: new URL(sandbox.endpoints.graph).origin } },
        workloads: ['mail', 'calendar'],
        context: { accessToken: await svc.accessToken() },
      });
      const report = await test(connector!.id);
      expect(report.ok).toBe(false);
      expect(report.findings.map((f) => [f.check, f.status])).toEqual([['grants', 'missing']]);
      expect(report.findings[0]!.remedy).toContain('/delegations');
    });

    it('name grants that no longer cover the workloads once the app registration lost a permission', async () => {
      const m = sandbox.endpoints.microsoft;
      const app = `${sandbox.endpoints.inspect}/microsoft/${m.tenantId}/apps/${m.clientId}`;
      const put = (delegatedPermissions: string[]) => fetch(app, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delegatedPermissions }) });
      const { delegatedPermissions: before } = (await (await put(['Mail.ReadWrite', 'Contacts.ReadWrite'])).json()) as { delegatedPermissions: string[] };
      try {
        await put(['Mail.ReadWrite']);
        await svc.peer.request(Rpc.connectors.update, { ref: { orgId: ORG, connectorId: msConnector, context: { accessToken: await svc.accessToken() } }, replaceWorkloads: true, workloads: ['mail', 'contacts'] });
        const report = await test(msConnector);
        expect(report.ok).toBe(false);
        expect(new Set(report.findings.map((f) => `${f.status} ${f.detail}`))).toEqual(new Set(['missing the grant lacks Contacts.ReadWrite']));
      } finally {
        await put(before);
      }
    });
  });

  it('audits starts and grants by pseudonym, with who started them', async () => {
    const events = (await svc.auditEvents()).filter((e) => e.action.startsWith('connector.delegation.'));
    const granted = events.filter((e) => e.action === 'connector.delegation.granted' && e.outcome === Outcome.SUCCESS);
    expect(granted.map((e) => e.detail['subject']).sort()).toEqual([ms[0], ms[1], ms[1], google[0], google[1], google[2]].map((u) => pseudonyms.pseudonym(u && 'userPrincipalName' in u ? u.userPrincipalName : (u?.primaryEmail ?? ''))).sort());
    expect(granted.every((e) => e.detail['startedBy'] === 'acct-admin' && e.actor?.id === '')).toBe(true);
    const denied = events.filter((e) => e.outcome === Outcome.DENIED).map((e) => e.detail['reason']);
    expect(denied.sort()).toEqual(['account-mismatch', 'expired-or-used', 'expired-or-used', 'expired-or-used', 'expired-or-used', 'other-browser', 'other-browser', 'other-browser', 'wrong-flow'].sort());
    const bindingRefusals = events.filter((e) => e.detail['reason'] === 'other-browser').map((e) => e.detail['binding']);
    expect(bindingRefusals.sort()).toEqual(['mismatch', 'missing', 'unbound']);
  });

  it('keeps secrets, tokens, codes and addresses out of logs, spans, audit events, errors and tables', async () => {
    const tables = JSON.stringify([...(await svc.tables()).values()]);
    const seen = [await observableText(svc), failures.join('\n'), tables].join('\n');
    for (const secret of secrets.filter((s) => s.length >= 8)) expect(seen).not.toContain(secret);
    for (const address of [...ms.map((u) => u.userPrincipalName), ...google.map((u) => u.primaryEmail)]) expect(seen.toLowerCase()).not.toContain(address.toLowerCase());
  });
});
