import { createHash, randomBytes } from 'node:crypto';
import type { DelegatedGrant, OutboundFetch } from '@ferry/providers/core';
import { signInAsBrowser } from '@ferry/sandbox';
import { google } from 'googleapis';
import { GOOGLE_DELEGATED_USER_SCOPES } from './google-scopes';
import { googleApiOptions } from './googleapis.transport';
import { GoogleOAuthClient } from './oauth.client';
import { type GoogleSandbox, startGoogleSandbox } from './testing/google-sandbox.fixture';
import { providerFailure } from './testing/provider-failure';

jest.setTimeout(60_000);

const REDIRECT = 'https://ferry.example/api/v1/connectors/oauth/callback';
const random = (): string => randomBytes(32).toString('base64url');
const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** A fetch that hands each token answer's `id_token` to `edit`, as a party in the middle could. */
const editingIdTokens =
  (inner: OutboundFetch, edit: (idToken: string) => string): OutboundFetch =>
  async (url, init) => {
    const res = await inner(url, init);
    if (!new URL(String(url)).pathname.endsWith('/token')) return res;
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body['id_token'] === 'string') body['id_token'] = edit(body['id_token']);
    return new Response(JSON.stringify(body), {
      status: res.status,
      headers: { 'content-type': 'application/json' },
    });
  };

describe('GoogleOAuthClient (per-user delegated mode) against the sandbox', () => {
  let g: GoogleSandbox;
  let client: GoogleOAuthClient;
  let user: { email: string; password: string; id: string };

  beforeAll(async () => {
    g = await startGoogleSandbox();
    await g.setRedirectUris([REDIRECT]);
    client = new GoogleOAuthClient({ ...g.oauthClient, endpoints: g.endpoints, fetch: g.fetch });
    user = g.users[0] ?? { email: '', password: '', id: '' };
  });
  afterAll(() => g.close());

  /** Runs the consent flow in a browser and returns the code and verifier for `redeem`. */
  async function consent(on: GoogleOAuthClient = client): Promise<{ code: string; codeVerifier: string }> {
    const codeVerifier = random();
    const state = random();
    const url = on.authorizationUrl({
      redirectUri: REDIRECT,
      state,
      codeChallenge: challengeOf(codeVerifier),
      scopes: GOOGLE_DELEGATED_USER_SCOPES.mail,
      loginHint: user.email,
    });
    const callback = new URL(
      await signInAsBrowser(url, { callbackPrefix: REDIRECT, username: user.email, password: user.password }),
    );
    expect(callback.searchParams.get('state')).toBe(state);
    return { code: callback.searchParams.get('code') ?? '', codeVerifier };
  }

  it('builds a consent URL for offline access with PKCE S256, the workload scopes plus openid email', () => {
    const url = new URL(
      client.authorizationUrl({
        redirectUri: REDIRECT,
        state: 'state-0123456789abcdef',
        codeChallenge: challengeOf(random()),
        scopes: GOOGLE_DELEGATED_USER_SCOPES.files,
        loginHint: user.email,
      }),
    );
    expect(url.origin + url.pathname).toBe(g.endpoints.authUri);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: g.oauthClient.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: `openid email ${GOOGLE_DELEGATED_USER_SCOPES.files.join(' ')}`,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      login_hint: user.email,
    });
  });

  it('redeems the code for a grant naming the verified account, usable with googleapis, then refreshes it', async () => {
    const { code, codeVerifier } = await consent();
    const grant = await client.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier });
    expect(grant.account).toEqual({ id: user.id, username: user.email });
    expect(grant.refreshToken).toEqual(expect.any(String));
    expect(grant.granted).toEqual(
      expect.arrayContaining([...GOOGLE_DELEGATED_USER_SCOPES.mail, 'openid', 'email']),
    );
    expect(grant.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);

    const gmail = google.gmail({
      version: 'v1',
      ...googleApiOptions({ accessToken: grant.accessToken, endpoints: g.endpoints, fetch: g.fetch }),
    });
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe(user.email);

    const refreshed = (await client.refresh({ refreshToken: grant.refreshToken ?? '' })) as DelegatedGrant;
    expect(refreshed.accessToken).not.toBe(grant.accessToken);
    expect(refreshed.account).toEqual(grant.account);
    expect(refreshed.granted).toEqual(expect.arrayContaining(GOOGLE_DELEGATED_USER_SCOPES.mail));
  });

  it('refuses a code used twice as invalid-grant', async () => {
    const { code, codeVerifier } = await consent();
    await client.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier });
    const error = await providerFailure(
      client.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier }),
    );
    expect(error).toMatchObject({
      code: 'invalid-grant',
      details: { providerCode: 'invalid_grant', status: 400 },
    });
  });

  it('refuses a code redeemed with another PKCE verifier as invalid-grant', async () => {
    const { code } = await consent();
    await expect(
      client.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier: random() }),
    ).rejects.toMatchObject({ code: 'invalid-grant' });
  });

  it('refuses an unknown or revoked refresh token as invalid-grant', async () => {
    const error = await providerFailure(client.refresh({ refreshToken: `1//${random()}` }));
    expect(error).toMatchObject({ code: 'invalid-grant', details: { providerCode: 'invalid_grant' } });
  });

  it('refuses a wrong client secret as invalid-credentials', async () => {
    const wrong = new GoogleOAuthClient({
      clientId: g.oauthClient.clientId,
      clientSecret: `GOCSPX-${random()}`,
      endpoints: g.endpoints,
      fetch: g.fetch,
    });
    const { code, codeVerifier } = await consent(wrong);
    const error = await providerFailure(
      wrong.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier }),
    );
    expect(error).toMatchObject({
      code: 'invalid-credentials',
      details: { providerCode: 'invalid_client', status: 401 },
    });
  });

  it.each([
    [
      'a re-signed payload naming another user',
      (t: string) => {
        const [h, p, s] = t.split('.');
        const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
        claims['email'] = 'admin@fabrikam.example';
        return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
      },
    ],
    [
      'an unsigned token (alg none)',
      (t: string) => {
        const [, p] = t.split('.');
        return [Buffer.from('{"alg":"none"}').toString('base64url'), p, ''].join('.');
      },
    ],
  ])('refuses an ID token that fails verification: %s', async (_name, edit) => {
    const tampering = new GoogleOAuthClient({
      ...g.oauthClient,
      endpoints: g.endpoints,
      fetch: editingIdTokens(g.fetch, edit),
    });
    const { code, codeVerifier } = await consent(tampering);
    const error = await providerFailure(
      tampering.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier }),
    );
    expect(error.code).toBe('provider-error');
  });

  it('sends nothing when the destination policy does not allow-list the sandbox', async () => {
    const refused = new GoogleOAuthClient({
      ...g.oauthClient,
      endpoints: g.endpoints,
      fetch: g.refusingFetch,
    });
    const { code, codeVerifier } = await consent();
    const before = await g.requestsFor('google.oauth.token');
    const error = await providerFailure(
      refused.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier }),
    );
    expect(error.code).toBe('destination-refused');
    await expect(refused.refresh({ refreshToken: `1//${random()}` })).rejects.toMatchObject({
      code: 'destination-refused',
    });
    expect(await g.requestsFor('google.oauth.token')).toBe(before);
  });

  it('refuses malformed flow parameters as invalid-input', () => {
    const base = {
      redirectUri: REDIRECT,
      state: random(),
      codeChallenge: challengeOf(random()),
      scopes: GOOGLE_DELEGATED_USER_SCOPES.mail,
    };
    expect(() => client.authorizationUrl({ ...base, redirectUri: 'http://ferry.example/callback' })).toThrow(
      expect.objectContaining({
        code: 'invalid-input',
        message: 'redirectUri must be an absolute https URL',
      }) as Error,
    );
    expect(() => client.authorizationUrl({ ...base, codeChallenge: 'plain-verifier' })).toThrow(
      expect.objectContaining({ code: 'invalid-input' }) as Error,
    );
    expect(() => client.authorizationUrl({ ...base, state: 'short' })).toThrow(
      expect.objectContaining({ code: 'invalid-input' }) as Error,
    );
    expect(() => client.authorizationUrl({ ...base, scopes: [] })).toThrow(
      expect.objectContaining({ code: 'invalid-input' }) as Error,
    );
  });
});
