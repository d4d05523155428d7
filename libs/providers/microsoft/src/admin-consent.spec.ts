import { ProviderError } from '@ferry/providers/core';
import { adminConsentUrl, parseAdminConsentCallback } from './admin-consent';
import { MICROSOFT_CLOUDS } from './microsoft-cloud';
import { providerFailure } from './testing/provider-failure';

const CLIENT = '6731de76-14a6-49ae-97bc-6eba6914391e';
const TENANT = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
const STATE = 'Zk9xVnJ0cWZ2c0dxYk1wTg';

describe('adminConsentUrl', () => {
  it('builds the v2.0 admin consent link for the cloud, with the Graph .default scope', () => {
    const url = new URL(
      adminConsentUrl({
        endpoints: MICROSOFT_CLOUDS.usgov,
        clientId: CLIENT,
        redirectUri: 'https://ferry.example/consent',
        state: STATE,
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://login.microsoftonline.us/organizations/v2.0/adminconsent',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT,
      scope: 'https://graph.microsoft.us/.default',
      redirect_uri: 'https://ferry.example/consent',
      state: STATE,
    });
  });

  it('targets one tenant when told, by id or verified domain', () => {
    const pathFor = (tenant: string) =>
      new URL(
        adminConsentUrl({
          endpoints: MICROSOFT_CLOUDS.global,
          clientId: CLIENT,
          redirectUri: 'https://ferry.example/consent',
          state: STATE,
          tenant,
        }),
      ).pathname;
    expect(pathFor(TENANT)).toBe(`/${TENANT}/v2.0/adminconsent`);
    expect(pathFor('contoso.onmicrosoft.com')).toBe('/contoso.onmicrosoft.com/v2.0/adminconsent');
  });

  it.each([
    [{ clientId: 'not-a-guid' }, 'clientId must be the application (client) id, a GUID'],
    [{ tenant: '../common' }, 'tenant must be a tenant id, a verified domain or organizations'],
    [{ tenant: 'consumers' }, 'tenant must be a tenant id, a verified domain or organizations'],
    [{ state: 'short' }, 'state must be 16 to 512 characters'],
    [{ redirectUri: 'http://ferry.example/consent' }, 'redirectUri must be https (http only on loopback)'],
    [
      { redirectUri: 'https://ferry.example/consent?next=/admin' },
      'redirectUri must have no credentials, query or fragment',
    ],
    [
      { endpoints: { authorityHost: 'https://login.example/x', graphOrigin: 'https://graph.example' } },
      'authorityHost must be an origin only (no path, query or fragment)',
    ],
  ])('refuses %j', (over, message) => {
    expect(() =>
      adminConsentUrl({
        endpoints: MICROSOFT_CLOUDS.global,
        clientId: CLIENT,
        redirectUri: 'https://ferry.example/consent',
        state: STATE,
        ...over,
      }),
    ).toThrow(new ProviderError('invalid-input', message));
  });
});

describe('parseAdminConsentCallback', () => {
  const parse = (query: string) => parseAdminConsentCallback(new URLSearchParams(query));
  const failure = (query: string): Promise<ProviderError> => providerFailure(() => parse(query));

  it('returns the consenting tenant (lower-case) and the state', () => {
    expect(
      parse(
        `admin_consent=True&tenant=${TENANT}&state=${STATE}&scope=https%3A%2F%2Fgraph.microsoft.com%2FMail.ReadWrite`,
      ),
    ).toEqual({ tenantId: TENANT.toLowerCase(), state: STATE });
  });

  it('reads a declined consent as not-authorized, keeping only the AADSTS code of the description', async () => {
    const error = await failure(
      `error=access_denied&error_subcode=cancel&state=${STATE}&error_description=${encodeURIComponent('AADSTS65004: User declined to consent to access the app. admin@contoso.example')}`,
    );
    expect(error).toMatchObject({ code: 'not-authorized', details: { providerCode: 'AADSTS65004' } });
    expect(error.message).toBe('the administrator did not grant consent');
  });

  it('reads any other error as a provider error without its description', async () => {
    const error = await failure(
      `error=server_error&error_description=${encodeURIComponent('something about admin@contoso.example')}&state=${STATE}`,
    );
    expect(error.code).toBe('provider-error');
    expect(error.message).not.toContain('admin@contoso.example');
    expect(error.details.providerCode).toBeUndefined();
  });

  it.each([
    [`admin_consent=True&state=${STATE}`, 'the consent answer does not name a tenant id'],
    [
      `admin_consent=True&tenant=contoso.example&state=${STATE}`,
      'the consent answer does not name a tenant id',
    ],
    [
      `admin_consent=True&tenant=organizations&state=${STATE}`,
      'the consent answer does not name a tenant id',
    ],
    [
      `admin_consent=False&tenant=${TENANT}&state=${STATE}`,
      'the consent answer does not confirm admin consent',
    ],
    [`tenant=${TENANT}&state=${STATE}`, 'the consent answer does not confirm admin consent'],
    [`admin_consent=True&tenant=${TENANT}`, 'the consent answer has no state'],
    [`admin_consent=True&tenant=${TENANT}&state=${STATE}&state=other`, 'the consent answer repeats state'],
    [
      `admin_consent=True&tenant=${TENANT}&tenant=${TENANT.toLowerCase()}&state=${STATE}`,
      'the consent answer repeats tenant',
    ],
  ])('refuses the malformed answer %s', async (query, message) => {
    await expect(failure(query)).resolves.toMatchObject({ code: 'invalid-input', message });
  });
});
