import { createHash, randomBytes } from 'node:crypto';
import type { OutboundFetch } from '@ferry/providers/core';
import { signInAsBrowser } from '@ferry/sandbox';
import { createGraphClient } from './graph-client';
import type { MicrosoftIdentityClient } from './identity-client';
import { testCertificate } from './testing/certificate.fixture';
import { providerFailure } from './testing/provider-failure';
import { type MicrosoftSandbox, startMicrosoftSandbox } from './testing/microsoft-sandbox.fixture';

// Sandbox start-up, and several TLS round trips per flow on a shared 2-core machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://ferry.example/api/v1/connectors/delegated/callback';
const SCOPES = ['Mail.ReadWrite', 'User.Read'];

describe('delegated grants: authorization code + PKCE and refresh, against the sandbox Entra ID', () => {
  let ms: MicrosoftSandbox;
  beforeAll(async () => {
    ms = await startMicrosoftSandbox();
    await ms.changeApp({
      redirectUris: [REDIRECT],
      delegatedPermissions: ['openid', 'profile', 'offline_access', 'User.Read', 'Mail.ReadWrite'],
    });
  });
  afterAll(() => ms.close());

  /** Sends the first seeded user through the sign-in page; returns the code and the PKCE verifier. */
  async function signIn(identity: MicrosoftIdentityClient): Promise<{ code: string; codeVerifier: string }> {
    const codeVerifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const user = ms.users[0];
    if (!user) throw new Error('the scenario seeds users');
    const url = identity.authorizationUrl({
      redirectUri: REDIRECT,
      state,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      scopes: SCOPES,
      loginHint: user.userPrincipalName,
    });
    const back = new URL(
      await signInAsBrowser(url, {
        callbackPrefix: REDIRECT,
        username: user.userPrincipalName,
        password: user.password,
      }),
    );
    expect(back.searchParams.get('state')).toBe(state);
    return { code: back.searchParams.get('code') ?? '', codeVerifier };
  }

  it('redeems the code for a grant naming the user from the verified ID token, with a refresh token, then refreshes it', async () => {
    const identity = ms.identity();
    const user = ms.users[0];
    const grant = await identity.redeemAuthorizationCode({
      ...(await signIn(identity)),
      redirectUri: REDIRECT,
      scopes: SCOPES,
    });
    expect(grant.account).toEqual({
      id: `${ms.tenantId}:${user?.id ?? ''}`,
      username: user?.userPrincipalName,
    });
    expect(grant.refreshToken).toEqual(expect.any(String));
    expect(grant.granted).toEqual(expect.arrayContaining(['Mail.ReadWrite', 'User.Read']));
    // The ID token's signature was checked against the tenant's published keys.
    expect(await ms.requestsFor('entra.jwks')).toBeGreaterThan(0);

    const graph = createGraphClient({
      endpoints: ms.endpoints,
      fetch: ms.fetch,
      accessToken: () => Promise.resolve(grant.accessToken),
    });
    expect(await graph.api('/me').select('id').get()).toMatchObject({ id: user?.id });

    const refreshed = await identity.refreshDelegated({
      refreshToken: grant.refreshToken ?? '',
      scopes: SCOPES,
    });
    expect(refreshed.account).toEqual(grant.account);
    expect(refreshed.accessToken).not.toBe(grant.accessToken);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.granted).toEqual(expect.arrayContaining(['Mail.ReadWrite', 'User.Read']));
  });

  it('refuses a code redeemed twice as invalid-grant (AADSTS70000)', async () => {
    const identity = ms.identity();
    const { code, codeVerifier } = await signIn(identity);
    await identity.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier, scopes: SCOPES });
    expect(
      await providerFailure(
        identity.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier, scopes: SCOPES }),
      ),
    ).toMatchObject({ code: 'invalid-grant', details: { providerCode: 'AADSTS70000' } });
  });

  it('refuses a code with the wrong PKCE verifier as invalid-grant (AADSTS501481)', async () => {
    const identity = ms.identity();
    const { code } = await signIn(identity);
    const wrong = randomBytes(32).toString('base64url');
    expect(
      await providerFailure(
        identity.redeemAuthorizationCode({
          code,
          redirectUri: REDIRECT,
          codeVerifier: wrong,
          scopes: SCOPES,
        }),
      ),
    ).toMatchObject({ code: 'invalid-grant', details: { providerCode: 'AADSTS501481' } });
  });

  it('refuses an unknown refresh token as invalid-grant (AADSTS9002313)', async () => {
    expect(
      await providerFailure(
        ms.identity().refreshDelegated({ refreshToken: 'sandbox-rt.not-issued', scopes: SCOPES }),
      ),
    ).toMatchObject({ code: 'invalid-grant', details: { providerCode: 'AADSTS9002313' } });
  });

  it('authenticates the code redemption with the certificate (private_key_jwt) when the connector has one', async () => {
    const cert = await testCertificate();
    await ms.registerCertificate(cert.certificatePem);
    const identity = ms.identity({ credential: { kind: 'certificate', ...cert } });
    const grant = await identity.redeemAuthorizationCode({
      ...(await signIn(identity)),
      redirectUri: REDIRECT,
      scopes: SCOPES,
    });
    expect(grant.account.username).toBe(ms.users[0]?.userPrincipalName);
    await expect(
      identity.refreshDelegated({ refreshToken: grant.refreshToken ?? '', scopes: SCOPES }),
    ).resolves.toMatchObject({ account: grant.account });
  });

  it('refuses the code redemption with a certificate the app does not know (AADSTS700027)', async () => {
    const identity = ms.identity({ credential: { kind: 'certificate', ...(await testCertificate()) } });
    const { code, codeVerifier } = await signIn(identity);
    expect(
      await providerFailure(
        identity.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier, scopes: SCOPES }),
      ),
    ).toMatchObject({ code: 'invalid-credentials', details: { providerCode: 'AADSTS700027' } });
  });

  it('refuses an ID token whose claims were changed on the way (signature no longer matches)', async () => {
    const tampering: OutboundFetch = async (url, init) => {
      const res = await ms.fetch(url, init);
      if (!String(url).endsWith('/oauth2/v2.0/token')) return res;
      const body = (await res.json()) as Record<string, unknown>;
      const [header = '', payload = '', signature = ''] = String(body['id_token']).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      body['id_token'] = [
        header,
        Buffer.from(JSON.stringify({ ...claims, preferred_username: 'admin@contoso.example' })).toString(
          'base64url',
        ),
        signature,
      ].join('.');
      return new Response(JSON.stringify(body), {
        status: res.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const identity = ms.identity({ fetch: tampering });
    const { code, codeVerifier } = await signIn(identity);
    expect(
      await providerFailure(
        identity.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier, scopes: SCOPES }),
      ),
    ).toMatchObject({ code: 'provider-error' });
  });

  it('refuses the token endpoint without the operator allow-list (SSRF guard)', async () => {
    expect(
      await providerFailure(
        ms
          .identity({ fetch: ms.refusingFetch })
          .refreshDelegated({ refreshToken: 'sandbox-rt.any', scopes: SCOPES }),
      ),
    ).toMatchObject({ code: 'destination-refused' });
  });
});
