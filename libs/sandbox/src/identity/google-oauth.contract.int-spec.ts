import { OAuth2Client } from 'google-auth-library';
import { importPKCS8, SignJWT } from 'jose';
import type { Sandbox } from '../sandbox';
import { googleAccessToken } from '../testing/google-token';
import { call, startTestSandbox } from '../testing/test-sandbox';

const GMAIL = 'https://www.googleapis.com/auth/gmail.modify';

// Sandbox start-up generates RSA keys; on a loaded 2-core machine that outlasts jest's 5 s default.
jest.setTimeout(30_000);

describe('Google OAuth 2.0: service-account JWT bearer grant with domain-wide delegation', () => {
  let sandbox: Sandbox;
  let user: string;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ workloads: [] });
    user = [...(sandbox.context.directory.google.get(sandbox.endpoints.google.customerId)?.users.keys() ?? [])][1] ?? '';
  });
  afterAll(() => sandbox.close());

  const assertion = async (claims: Record<string, unknown>, lifetime = 3600, clientClockAheadS = 0): Promise<string> => {
    const key = sandbox.endpoints.google.serviceAccountKey;
    const now = Math.floor(Date.now() / 1000) + clientClockAheadS;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key['private_key_id'] ?? '' })
      .setIssuer(key['client_email'] ?? '')
      .setAudience(sandbox.endpoints.googleTokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(await importPKCS8(key['private_key'] ?? '', 'RS256'));
  };
  const grant = async (jwt: string) =>
    call(sandbox.endpoints.googleTokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }).toString(),
    });

  it('issues an opaque ya29 token for an impersonated user and an authorised scope', async () => {
    const token = await googleAccessToken(sandbox.endpoints, user, [GMAIL]);
    expect(token).toMatch(/^ya29\./);
    const principal = sandbox.context.tokens.verifyGoogle(`Bearer ${token}`);
    expect(principal).toMatchObject({ kind: 'google', subject: user, scopes: [GMAIL] });
  });

  it('refuses a scope the admin did not delegate with 401 unauthorized_client', async () => {
    const r = await grant(await assertion({ sub: user, scope: 'https://www.googleapis.com/auth/cloud-platform' }));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses an unknown user, a bad signature and an over-long assertion with invalid_grant', async () => {
    expect((await grant(await assertion({ sub: 'nobody@fabrikam.example', scope: GMAIL }))).body).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid email or User ID' });
    const jwt = await assertion({ sub: user, scope: GMAIL });
    const [h, p] = jwt.split('.');
    expect((await grant(`${h}.${p}.${Buffer.from('forged').toString('base64url')}`)).body).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const long = await grant(await assertion({ sub: user, scope: GMAIL }, 7200));
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts an assertion from a client clock a little ahead and refuses one issued far in the future', async () => {
    expect((await grant(await assertion({ sub: user, scope: GMAIL }, 3600, 2))).status).toBe(200);
    const future = await grant(await assertion({ sub: user, scope: GMAIL }, 3600, 3600));
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers a malformed body and an unknown grant type in the OAuth error shape, not a stack trace', async () => {
    const r = await call(sandbox.endpoints.googleTokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=x' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'unsupported_grant_type', error_description: expect.stringContaining('password') as string });
    const big = await call(sandbox.endpoints.googleTokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a='.padEnd(200_000, 'x') });
    expect(big.status).toBe(400);
    expect(big.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('signs users in with the authorization code + PKCE flow and an ID token google-auth-library verifies', async () => {
    const { clientId, clientSecret } = sandbox.endpoints.google.oauthClient;
    const redirectUri = 'http://127.0.0.1:9/callback';
    await call(`${sandbox.endpoints.inspect}/google/${sandbox.endpoints.google.customerId}/oauth-clients/${encodeURIComponent(clientId)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirectUris: [redirectUri] }) });
    const users = (await call(`${sandbox.endpoints.inspect}/google/${sandbox.endpoints.google.customerId}/users`)).body as { users: { primaryEmail: string; password: string }[] };
    const account = users.users.find((u) => u.primaryEmail === user);
    const client = new OAuth2Client({ clientId, clientSecret, redirectUri, endpoints: { oauth2AuthBaseUrl: `${sandbox.endpoints.entraAuthority}/o/oauth2/v2/auth`, oauth2TokenUrl: sandbox.endpoints.googleTokenUri, oauth2FederatedSignonPemCertsUrl: `${sandbox.endpoints.entraAuthority}/oauth2/v1/certs`, oauth2FederatedSignonJwkCertsUrl: `${sandbox.endpoints.entraAuthority}/oauth2/v3/certs` } });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const authUrl = new URL(client.generateAuthUrl({ scope: ['openid', 'email'], code_challenge: codeChallenge, code_challenge_method: 'S256' as never, state: 's1' }));
    const form = new URLSearchParams(authUrl.searchParams);
    form.set('username', user);
    form.set('password', account?.password ?? '');
    const signIn = await fetch(authUrl.origin + authUrl.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
    expect(signIn.status).toBe(302);
    const back = new URL(signIn.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('s1');
    const { tokens } = await client.getToken({ code: back.searchParams.get('code') ?? '', codeVerifier });
    expect(tokens.refresh_token).toBeTruthy();
    const ticket = await client.verifyIdToken({ idToken: tokens.id_token ?? '', audience: clientId });
    expect(ticket.getPayload()).toMatchObject({ email: user, hd: sandbox.endpoints.google.domain });
    const replay = await call(sandbox.endpoints.googleTokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri, code_verifier: codeVerifier }).toString() });
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
  });
});
