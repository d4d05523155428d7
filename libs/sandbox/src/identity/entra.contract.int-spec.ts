import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import { decodeJwt } from 'jose';
import { graphDirectoryWorkload } from '../graph/directory/graph-directory.workload';
import type { Sandbox } from '../sandbox';
import { signInAsBrowser } from '../testing/browser-sign-in';
import { call, startTestSandbox } from '../testing/test-sandbox';

// Sandbox start-up generates RSA keys; on a loaded 2-core machine that outlasts jest's 5 s default.
jest.setTimeout(30_000);

describe('Entra ID v2.0 through @azure/msal-node', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // The directory workload serves `/v1.0/users`, where the 401 cases are checked.
    sandbox = await startTestSandbox({ workloads: [graphDirectoryWorkload] });
  });
  afterAll(() => sandbox.close());

  const msal = (secret: string, tenant = sandbox.endpoints.microsoft.tenantId) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.endpoints.microsoft.clientId,
        clientSecret: secret,
        authority: `${sandbox.endpoints.entraAuthority}/${tenant}`,
        knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host],
      },
    });

  it('issues an app-only Graph token with the consented roles for the client secret', async () => {
    const result = await msal(sandbox.endpoints.microsoft.clientSecret).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(result?.accessToken).toBeTruthy();
    const claims = decodeJwt(result?.accessToken ?? '');
    expect(claims['tid']).toBe(sandbox.endpoints.microsoft.tenantId);
    expect(claims['roles']).toEqual(expect.arrayContaining(['Mail.ReadWrite', 'User.Read.All']));
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000 + 3000);
  });

  it('refuses a wrong secret with invalid_client and AADSTS7000215', async () => {
    const error: unknown = await msal('wrong')
      .acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorCode: 'invalid_client' });
    expect((error as { errorMessage: string }).errorMessage).toContain('AADSTS7000215');
  });

  it('answers an unknown tenant with AADSTS90002 in the OAuth error shape', async () => {
    const r = await call(`${sandbox.endpoints.entraAuthority}/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=x&client_secret=y&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default',
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });

  it('rejects a missing, a forged and an expired token at Graph with 401 InvalidAuthenticationToken', async () => {
    const graph = sandbox.endpoints.graph;
    const missing = await call(`${graph}/users`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    expect((missing.body as { error: { innerError: Record<string, string> } }).error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await call(`${graph}/users`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } });
    expect(forged.status).toBe(401);
    const result = await msal(sandbox.endpoints.microsoft.clientSecret).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true });
    sandbox.context.clock.advance(2 * 3600 * 1000);
    // customHosts: the client attaches the token only to hosts it knows as Graph.
    const client = Client.init({ baseUrl: graph.replace(/\/v1\.0$/, ''), defaultVersion: 'v1.0', customHosts: new Set([new URL(graph).hostname]), authProvider: (done) => done(null, result?.accessToken ?? '') });
    const expired: unknown = await client
      .api('/users')
      .get()
      .catch((e: unknown) => e);
    expect(expired).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    expect((expired as Error).message).toContain('the token is expired');
  });

  it("puts a user's directory roles in the ID token's wids claim: the tenant's first user is its Global Administrator, the others hold none", async () => {
    const ms = sandbox.endpoints.microsoft;
    const redirectUri = 'https://app.example/signed-in';
    const put = await call(`${sandbox.endpoints.inspect}/microsoft/${ms.tenantId}/apps/${ms.clientId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirectUris: [redirectUri] }) });
    expect(put.status).toBe(200);
    const users = ((await call(`${sandbox.endpoints.inspect}/microsoft/${ms.tenantId}/users`)).body as { value: { userPrincipalName: string; password: string }[] }).value;
    expect(users.length).toBeGreaterThan(1);
    const idTokenOf = async (user: { userPrincipalName: string; password: string }) => {
      const authorize = new URL(`${sandbox.endpoints.entraAuthority}/${ms.tenantId}/oauth2/v2.0/authorize`);
      for (const [k, v] of Object.entries({ client_id: ms.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state: 's'.repeat(20) })) authorize.searchParams.set(k, v);
      const back = await signInAsBrowser(authorize.href, { callbackPrefix: redirectUri, username: user.userPrincipalName, password: user.password });
      const form = new URLSearchParams({ grant_type: 'authorization_code', code: new URL(back).searchParams.get('code') ?? '', redirect_uri: redirectUri, client_id: ms.clientId, client_secret: ms.clientSecret, scope: 'openid profile' });
      const r = await call(`${sandbox.endpoints.entraAuthority}/${ms.tenantId}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      expect(r.status).toBe(200);
      return decodeJwt((r.body as { id_token: string }).id_token);
    };
    expect((await idTokenOf(users[0]!))['wids']).toEqual(['62e90394-69f5-4237-9190-012177145e10']);
    expect(await idTokenOf(users[1]!)).not.toHaveProperty('wids');
  });
});
