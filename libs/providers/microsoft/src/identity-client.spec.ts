import { ProviderError } from '@ferry/providers/core';
import { MicrosoftIdentityClient, type MicrosoftIdentityClientOptions } from './identity-client';
import { MICROSOFT_CLOUDS } from './microsoft-cloud';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '6731de76-14a6-49ae-97bc-6eba6914391e';
const SECRET = 'sbx~planted-secret-value-0123456789';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const noFetch = (): Promise<Response> => Promise.reject(new Error('no network in unit tests'));

const options = (over: Partial<MicrosoftIdentityClientOptions> = {}): MicrosoftIdentityClientOptions => ({
  tenantId: TENANT,
  clientId: CLIENT,
  credential: { kind: 'client-secret', secret: SECRET },
  endpoints: MICROSOFT_CLOUDS.china,
  fetch: noFetch,
  ...over,
});

describe('MicrosoftIdentityClient configuration', () => {
  it.each([
    [{ tenantId: 'contoso.onmicrosoft.com' }, 'tenantId must be the directory (tenant) id, a GUID'],
    [{ clientId: 'ferry' }, 'clientId must be the application (client) id, a GUID'],
    [
      { credential: { kind: 'client-secret', secret: '' } },
      'the credential must be a client secret or a certificate with its private key',
    ],
    [
      {
        credential: {
          kind: 'password',
          secret: SECRET,
        } as unknown as MicrosoftIdentityClientOptions['credential'],
      },
      'the credential must be a client secret or a certificate with its private key',
    ],
    [
      { credential: { kind: 'certificate', certificatePem: SECRET, privateKeyPem: SECRET } },
      'the certificate must be a PEM X.509 certificate (-----BEGIN CERTIFICATE-----)',
    ],
    [
      { endpoints: { authorityHost: 'http://login.example', graphOrigin: 'https://graph.example' } },
      'authorityHost must use https',
    ],
  ])('refuses %j with invalid-input, never quoting the secret', (over, message) => {
    let error: unknown;
    try {
      new MicrosoftIdentityClient(options(over as Partial<MicrosoftIdentityClientOptions>));
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(new ProviderError('invalid-input', message));
    expect((error as Error).message).not.toContain(SECRET);
  });
});

describe('MicrosoftIdentityClient.authorizationUrl', () => {
  const client = new MicrosoftIdentityClient(options());

  it('asks the tenant for a code with PKCE S256, offline_access and the cloud-qualified Graph scopes', () => {
    const url = new URL(
      client.authorizationUrl({
        redirectUri: 'https://ferry.example/delegated',
        state: 'state-0123456789abcdef',
        codeChallenge: CHALLENGE,
        scopes: ['Mail.ReadWrite'],
        loginHint: 'adele@contoso.example',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(
      `https://login.chinacloudapi.cn/${TENANT}/oauth2/v2.0/authorize`,
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT,
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: 'https://ferry.example/delegated',
      scope: 'openid profile offline_access https://microsoftgraph.chinacloudapi.cn/Mail.ReadWrite',
      state: 'state-0123456789abcdef',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      login_hint: 'adele@contoso.example',
    });
  });

  it.each([
    [{ codeChallenge: 'plain-verifier' }, 'codeChallenge must be a base64url SHA-256 (S256) challenge'],
    [{ state: 'x' }, 'state must be 16 to 512 characters'],
    [
      { redirectUri: 'https://ferry.example/cb#frag' },
      'redirectUri must have no credentials, query or fragment',
    ],
    [{ scopes: [] }, 'scopes must list 1 to 50 Graph permissions'],
  ])('refuses %j', (over, message) => {
    expect(() =>
      client.authorizationUrl({
        redirectUri: 'https://ferry.example/delegated',
        state: 'state-0123456789abcdef',
        codeChallenge: CHALLENGE,
        scopes: ['Mail.ReadWrite'],
        ...over,
      }),
    ).toThrow(new ProviderError('invalid-input', message));
  });
});
