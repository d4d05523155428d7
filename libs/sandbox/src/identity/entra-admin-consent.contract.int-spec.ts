import { randomBytes } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import type { Sandbox } from '../sandbox';
import { signInAsBrowser } from '../testing/browser-sign-in';
import { call, startTestSandbox } from '../testing/test-sandbox';

// Sandbox start-up generates RSA keys; on a loaded 2-core machine that outlasts jest's 5 s default.
jest.setTimeout(30_000);

const REDIRECT = 'https://ferry.example/api/v1/connectors/consent';
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

describe('Entra ID v2.0 admin consent', () => {
  let sandbox: Sandbox;
  let home: string;
  let customer: string;
  let customerAdmin: { userPrincipalName: string; password: string };

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      workloads: [],
      scenario: { name: 'admin-consent', microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }, { domain: 'tailspin.example', users: 1 }] } },
    });
    home = sandbox.endpoints.microsoft.tenantId;
    customer = [...sandbox.context.directory.microsoft.keys()].find((t) => t !== home) ?? '';
    const users = (await call(`${sandbox.endpoints.inspect}/microsoft/${customer}/users`)).body as { value: { userPrincipalName: string; password: string }[] };
    customerAdmin = users.value[0] ?? { userPrincipalName: '', password: '' };
    const registered = await call(`${sandbox.endpoints.inspect}/microsoft/${home}/apps/${sandbox.endpoints.microsoft.clientId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirectUris: [REDIRECT] }),
    });
    expect(registered.status).toBe(200);
  }, 60_000);
  afterAll(() => sandbox.close());

  const consentUrl = (over: Record<string, string> = {}, tenant = 'organizations'): string => {
    const url = new URL(`${sandbox.endpoints.entraAuthority}/${tenant}/v2.0/adminconsent`);
    const params = { client_id: sandbox.endpoints.microsoft.clientId, scope: GRAPH_DEFAULT, redirect_uri: REDIRECT, state: randomBytes(16).toString('base64url'), ...over };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.href;
  };

  /** Posts the consent form as a browser would after the administrator typed their password. */
  const submit = async (url: string, extra: Record<string, string>) => {
    const form = new URLSearchParams([...new URL(url).searchParams, ['username', customerAdmin.userPrincipalName], ['password', customerAdmin.password], ...Object.entries(extra)]);
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
  };

  const appToken = (tenant: string) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.endpoints.microsoft.clientId,
        clientSecret: sandbox.endpoints.microsoft.clientSecret,
        authority: `${sandbox.endpoints.entraAuthority}/${tenant}`,
        knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host],
      },
    }).acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT], skipCache: true });

  it('refuses client credentials in a tenant that has not consented (AADSTS700016)', async () => {
    const error = (await appToken(customer).catch((e: unknown) => e)) as { errorCode?: string; errorNo?: unknown };
    expect(error.errorCode).toBe('unauthorized_client');
    // MSAL types errorNo as a string but passes on the number Entra sent.
    expect(String(error.errorNo)).toBe('700016');
  });

  it('shows a consent form with Accept and Cancel, and keeps the request in it', async () => {
    const page = await call(consentUrl({ state: 'state-for-the-form-1' }));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<button type="submit" name="decline" value="1">Cancel</button>');
    expect(page.text).toContain('name="state" value="state-for-the-form-1"');
  });

  it('answers Cancel with access_denied and the state, and grants nothing', async () => {
    const url = consentUrl();
    const res = await submit(url, { decline: '1' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS65004:/);
    expect(back.searchParams.get('state')).toBe(new URL(url).searchParams.get('state'));
    expect(back.searchParams.has('tenant')).toBe(false);
    expect(sandbox.context.directory.microsoftTenant(customer)?.apps.has(sandbox.endpoints.microsoft.clientId)).toBe(false);
  });

  it('signs in an administrator of another tenant, creates the service principal with the required permissions, and returns the tenant id', async () => {
    const registration = sandbox.context.directory.microsoftTenant(home)?.apps.get(sandbox.endpoints.microsoft.clientId);
    if (!registration) throw new Error('the seeded app is missing');
    registration.requiredApplicationPermissions = new Set(['User.Read.All', 'Mail.ReadWrite']);
    const url = consentUrl();
    const back = new URL(await signInAsBrowser(url, { callbackPrefix: REDIRECT, username: customerAdmin.userPrincipalName, password: customerAdmin.password }));
    expect(back.searchParams.get('admin_consent')).toBe('True');
    expect(back.searchParams.get('tenant')).toBe(customer);
    expect(back.searchParams.get('state')).toBe(new URL(url).searchParams.get('state'));
    expect(back.searchParams.get('scope')?.split(' ')).toEqual(['https://graph.microsoft.com/User.Read.All', 'https://graph.microsoft.com/Mail.ReadWrite']);

    const principal = sandbox.context.directory.microsoftTenant(customer)?.apps.get(sandbox.endpoints.microsoft.clientId);
    expect(principal?.homeTenantId).toBe(home);
    // Credentials live on the application object: the home tenant's secret signs in here too.
    const token = await appToken(customer);
    expect(decodeJwt(token?.accessToken ?? '')).toMatchObject({ tid: customer, roles: ['User.Read.All', 'Mail.ReadWrite'] });
  });

  it('accepts the sandbox origin as the Graph resource of the scope (as a national cloud has its own Graph origin)', async () => {
    const back = new URL(await signInAsBrowser(consentUrl({ scope: `${sandbox.endpoints.entraAuthority}/.default` }), { callbackPrefix: REDIRECT, username: customerAdmin.userPrincipalName, password: customerAdmin.password }));
    expect(back.searchParams.get('tenant')).toBe(customer);
    expect(back.searchParams.get('scope')?.split(' ')[0]).toBe(`${sandbox.endpoints.entraAuthority}/User.Read.All`);
  });

  it('keeps a user of another tenant out when the link names a tenant', async () => {
    const res = await submit(consentUrl({}, home), {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('role="alert"');
  });

  it.each([
    ['an unregistered redirect URI', { redirect_uri: 'https://attacker.example/cb' }, 50011],
    ['a scope other than /.default', { scope: 'https://graph.microsoft.com/Mail.Read' }, 70011],
    ['an unknown app', { client_id: '11111111-1111-4111-a111-111111111111' }, 700016],
  ])('answers %s with an error and no redirect', async (_what, over, aadsts) => {
    const res = await fetch(consentUrl(over), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.json()).toMatchObject({ error_codes: [aadsts] });
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await fetch(consentUrl({}, '00000000-0000-0000-0000-000000000000'), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_codes: [90002] });
  });
});
