import { createHash, randomBytes } from 'node:crypto';
import { type ConnectionReport, type DelegatedGrant, WORKLOADS } from '@ferry/providers/core';
import { signInAsBrowser } from '@ferry/sandbox';
import { checkGoogleConnection } from './connection.check';
import {
  GOOGLE_DELEGATED_USER_SCOPES,
  GOOGLE_DIRECTORY_USER_READONLY_SCOPE,
  googleDelegationScopesFor,
} from './google-scopes';
import { GoogleOAuthClient } from './oauth.client';
import { parseServiceAccountKey } from './service-account-key.parser';
import { GoogleServiceAccountClient } from './service-account.client';
import { type GoogleSandbox, startGoogleSandbox } from './testing/google-sandbox.fixture';

jest.setTimeout(90_000);

const REDIRECT = 'https://ferry.example/api/v1/connectors/oauth/callback';
const random = (): string => randomBytes(32).toString('base64url');

/**
 * Drives every failure path of the adapter with real secrets in play, collects what a caller could log
 * (each thrown error's message, stack and details, each finding's detail and remedy), and looks in it
 * for any fragment of the private key, any token, refresh token, code, client secret or user address.
 */
describe('no secret or user address in any error or finding', () => {
  let g: GoogleSandbox;
  const surfaced: string[] = [];
  const secrets = new Set<string>();
  const logged: unknown[][] = [];

  const collect = async (attempt: Promise<unknown>): Promise<void> => {
    const outcome = await attempt.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if ('error' in outcome) {
      const e = outcome.error as Error & { details?: unknown };
      surfaced.push(e.message, e.stack ?? '', JSON.stringify(e.details ?? {}), JSON.stringify(e));
    } else {
      const report = outcome.value as Partial<ConnectionReport> | undefined;
      for (const f of report?.findings ?? []) surfaced.push(f.check, f.detail, f.remedy ?? '');
    }
  };

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args);
      });
    }
    g = await startGoogleSandbox();
    await g.setRedirectUris([REDIRECT]);
    // Key material: the PEM body in 16-character slices, so any quoted fragment is found.
    const body = g.key.privateKeyPem.replace(/-----[^-]+-----|\s/g, '');
    for (let i = 0; i + 16 <= body.length; i += 16) secrets.add(body.slice(i, i + 16));
    secrets.add(g.oauthClient.clientSecret);
    for (const u of [g.adminUser, ...g.users.map((x) => x.email)]) secrets.add(u);
    for (const u of g.users) secrets.add(u.password);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await g.close();
  });

  it('surfaces none of them', async () => {
    const sa = new GoogleServiceAccountClient({ key: g.key, fetch: g.fetch });
    const user = g.users[0] ?? { email: '', password: '', id: '' };

    // A successful token and grant put real tokens into play.
    await g.setDelegation(
      googleDelegationScopesFor(WORKLOADS).filter((s) => !s.endsWith('calendar.freebusy')),
    );
    secrets.add(
      (await sa.acquireDelegatedToken(g.adminUser, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE])).accessToken,
    );
    const oauth = new GoogleOAuthClient({ ...g.oauthClient, endpoints: g.endpoints, fetch: g.fetch });
    const verifier = random();
    const url = oauth.authorizationUrl({
      redirectUri: REDIRECT,
      state: random(),
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      scopes: GOOGLE_DELEGATED_USER_SCOPES.mail,
      loginHint: user.email,
    });
    const code =
      new URL(
        await signInAsBrowser(url, {
          callbackPrefix: REDIRECT,
          username: user.email,
          password: user.password,
        }),
      ).searchParams.get('code') ?? '';
    secrets.add(code);
    const grant = await oauth.redeemAuthorizationCode({
      code,
      redirectUri: REDIRECT,
      codeVerifier: verifier,
    });
    secrets.add(grant.accessToken);
    secrets.add(grant.refreshToken ?? 'missing-refresh-token');
    const refreshed = (await oauth.refresh({ refreshToken: grant.refreshToken ?? '' })) as DelegatedGrant;
    secrets.add(refreshed.accessToken);

    // Service account: every refusal, with user addresses and key material in the requests.
    await collect(
      sa.acquireDelegatedToken(user.email, ['https://www.googleapis.com/auth/calendar.freebusy']),
    );
    await collect(sa.acquireDelegatedToken(`ghost-${user.email}`, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]));
    await collect(sa.acquireDelegatedToken(`${user.email} `, [GOOGLE_DIRECTORY_USER_READONLY_SCOPE]));
    const strayKey = g.deletedKey();
    await collect(
      new GoogleServiceAccountClient({ key: strayKey, fetch: g.fetch }).acquireDelegatedToken(user.email, [
        GOOGLE_DIRECTORY_USER_READONLY_SCOPE,
      ]),
    );
    await collect(
      new GoogleServiceAccountClient({ key: g.key, fetch: g.refusingFetch }).acquireDelegatedToken(
        user.email,
        [GOOGLE_DIRECTORY_USER_READONLY_SCOPE],
      ),
    );
    await collect(
      Promise.resolve().then(() =>
        parseServiceAccountKey(g.keyJson.replace('service_account', 'authorized_user')),
      ),
    );
    await collect(Promise.resolve().then(() => parseServiceAccountKey(g.keyJson.slice(0, 900))));
    await collect(
      Promise.resolve().then(() =>
        parseServiceAccountKey(
          JSON.stringify({
            ...(JSON.parse(g.keyJson) as object),
            private_key: g.key.privateKeyPem.slice(0, 400),
          }),
        ),
      ),
    );

    // OAuth client: reused code, wrong verifier, revoked refresh token, wrong secret, refused destination.
    await collect(oauth.redeemAuthorizationCode({ code, redirectUri: REDIRECT, codeVerifier: verifier }));
    await collect(oauth.refresh({ refreshToken: `${grant.refreshToken ?? ''}x` }));
    await collect(
      new GoogleOAuthClient({
        ...g.oauthClient,
        clientSecret: `${g.oauthClient.clientSecret}x`,
        endpoints: g.endpoints,
        fetch: g.fetch,
      }).refresh({ refreshToken: grant.refreshToken ?? '' }),
    );
    await collect(
      new GoogleOAuthClient({ ...g.oauthClient, endpoints: g.endpoints, fetch: g.refusingFetch }).refresh({
        refreshToken: grant.refreshToken ?? '',
      }),
    );

    // Connection tests: a missing scope, a non-admin, an unknown admin, a stray key, a refused destination.
    const base = { ...g.connectionInput(), serviceAccount: sa };
    await collect(checkGoogleConnection(base));
    await collect(checkGoogleConnection({ ...base, adminUser: user.email }));
    await collect(checkGoogleConnection({ ...base, adminUser: `ghost-${g.adminUser}` }));
    await collect(
      checkGoogleConnection({
        ...base,
        serviceAccount: new GoogleServiceAccountClient({ key: strayKey, fetch: g.fetch }),
      }),
    );
    await collect(checkGoogleConnection({ ...base, fetch: g.refusingFetch }));
    await collect(checkGoogleConnection({ ...base, adminUser: `${g.adminUser}>` }));

    expect(surfaced.length).toBeGreaterThan(40);
    const text = surfaced.join('\n');
    const found = [...secrets].filter((s) => s.length >= 8 && text.includes(s));
    expect(found).toEqual([]);
    // Any address at all, not only the seeded ones (e.g. a derived `ghost-…` one).
    expect(
      text
        .match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g)
        ?.filter((a) => !a.endsWith('.iam.gserviceaccount.com')) ?? [],
    ).toEqual([]);
    expect(logged).toEqual([]);
  });
});
