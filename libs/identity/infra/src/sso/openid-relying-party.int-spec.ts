import { createHash, randomBytes } from 'node:crypto';
import { SsoRejectedError } from '@ferry/identity/application';
import { type Sandbox, signInAsBrowser, startSandbox } from '@ferry/sandbox';
import { OpenIdRelyingParty } from './openid-relying-party.adapter';
import type { OpenIdRelyingPartyOptions } from './openid-relying-party.options';

// Sandbox start-up generates RSA keys, and each flow is several TLS round trips on a shared 2-core machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://ferry.example/api/v1/auth/sso/callback';
const token = (): string => randomBytes(32).toString('base64url');

interface Flow {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly tenantId: string | null;
}
const newFlow = (tenantId: string | null, nonce = token()): Flow => ({
  state: token(),
  nonce,
  codeVerifier: token(),
  tenantId,
});

/** Starts the sandbox in the CA directory the test runner made this process trust (see libs/sandbox/README.md). */
async function startTrustedSandbox(): Promise<Sandbox> {
  const stateDir = process.env['FERRY_SANDBOX_DIR'];
  if (!stateDir || !process.env['NODE_EXTRA_CA_CERTS'])
    throw new Error('run through scripts/test/jest-project.mjs: the sandbox CA must be trusted');
  return startSandbox({
    stateDir,
    workloads: [],
    scenario: {
      name: 'sso',
      microsoft: {
        tenants: [
          { domain: 'contoso.example', users: 2, groups: 2 },
          { domain: 'tailspin.example', users: 1 },
        ],
      },
      google: { tenants: [{ domain: 'fabrikam.example', users: 1 }] },
    },
  });
}

/** Signs in at a sandbox IdP as a browser would and returns the redirect to Ferry's callback. */
const signIn = (authorizationUrl: string, username: string, password: string): Promise<string> =>
  signInAsBrowser(authorizationUrl, { callbackPrefix: REDIRECT, username, password });

/** A fetch that hands each token response's `id_token` to `edit`, as a party in the middle could. */
const editingIdTokens =
  (edit: (idToken: string) => string) =>
  async (url: string, init: RequestInit): Promise<Response> => {
    const res = await fetch(url, init);
    if (!new URL(url).pathname.endsWith('/token')) return res;
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body['id_token'] === 'string') body['id_token'] = edit(body['id_token']);
    return new Response(JSON.stringify(body), {
      status: res.status,
      headers: { 'content-type': 'application/json' },
    });
  };

async function refusal(attempt: Promise<unknown>): Promise<string> {
  const error: unknown = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SsoRejectedError))
    throw new Error(`expected an SsoRejectedError, got ${String(error)}`);
  return error.reason;
}

describe('OpenIdRelyingParty against the sandbox identity providers', () => {
  let sandbox: Sandbox;
  let options: OpenIdRelyingPartyOptions;
  let rp: OpenIdRelyingParty;
  let tenantA: string;
  let tenantB: string;
  const user = (tenantId: string, i = 0) => {
    const u = [...(sandbox.context.directory.microsoft.get(tenantId)?.users.values() ?? [])][i];
    if (!u) throw new Error('no such sandbox user');
    return u;
  };
  const googleUser = () => {
    const t = sandbox.context.directory.google.get(sandbox.endpoints.google.customerId);
    const u = [...(t?.users.values() ?? [])].find((x) => !x.isAdmin);
    if (!u) throw new Error('no such sandbox user');
    return u;
  };

  beforeAll(async () => {
    sandbox = await startTrustedSandbox();
    const { microsoft, google } = sandbox.endpoints;
    tenantA = microsoft.tenantId;
    const b = [...sandbox.context.directory.microsoft.values()].find((t) => t.tenantId !== tenantA);
    const a = sandbox.context.directory.microsoft.get(tenantA);
    const appA = a?.apps.get(microsoft.clientId);
    if (!a || !b || !appA) throw new Error('scenario without two tenants');
    tenantB = b.tenantId;
    appA.redirectUris.add(REDIRECT);
    // Ferry's registration as a multi-tenant app: one client id, consented in tenant B too.
    b.apps.set(appA.clientId, { ...appA, certificates: new Map() });
    sandbox.context.directory.google
      .get(google.customerId)
      ?.oauthClients.get(google.oauthClient.clientId)
      ?.redirectUris.add(REDIRECT);
    options = {
      redirectUri: REDIRECT,
      entra: {
        authority: sandbox.endpoints.entraAuthority,
        clientId: microsoft.clientId,
        clientSecret: microsoft.clientSecret,
      },
      google: {
        discoveryBase: sandbox.endpoints.entraAuthority,
        clientId: google.oauthClient.clientId,
        clientSecret: google.oauthClient.clientSecret,
      },
    };
    rp = new OpenIdRelyingParty(options);
  });
  afterAll(() => sandbox.close());

  const entraCallback = async (
    party: OpenIdRelyingParty,
    flow: Flow,
    who = user(flow.tenantId ?? ''),
  ): Promise<string> =>
    signIn(
      await party.authorizationUrl('entra', { ...flow, hostedDomain: null }),
      who.userPrincipalName,
      who.password,
    );

  /** Runs a flow to the end through a party that records the raw ID token it received. */
  const capturedEntraIdToken = async (
    party: (o: OpenIdRelyingPartyOptions) => OpenIdRelyingParty,
    flow: Flow,
    who = user(flow.tenantId ?? ''),
  ): Promise<string> => {
    let captured = '';
    const capturing = party({ ...options, fetch: editingIdTokens((t) => (captured = t)) });
    await capturing.complete('entra', await entraCallback(capturing, flow, who), flow);
    return captured;
  };

  describe('Entra ID', () => {
    it('signs a user in as tid:oid with the UPN and the object ids of their groups', async () => {
      const tenant = sandbox.context.directory.microsoft.get(tenantA);
      const [member, other] = [...(tenant?.groups.values() ?? [])];
      const who = user(tenantA);
      member?.members.add(who.id);
      other?.members.delete(who.id);
      const flow = newFlow(tenantA);
      const assertion = await rp.complete('entra', await entraCallback(rp, flow, who), flow);
      expect(assertion).toEqual({
        identity: {
          issuer: `${sandbox.endpoints.entraAuthority}/${tenantA}/v2.0`,
          subject: `${tenantA}:${who.id}`,
        },
        tenantId: tenantA,
        hostedDomain: null,
        userPrincipal: who.userPrincipalName,
        groups: [member?.id],
        displayName: who.displayName,
      });
    });

    it('asks the tenant for an authorization code with PKCE S256, state, nonce and the openid profile scopes', async () => {
      const flow = newFlow(tenantA);
      const url = new URL(await rp.authorizationUrl('entra', { ...flow, hostedDomain: 'ignored.example' }));
      expect(url.origin + url.pathname).toBe(
        `${sandbox.endpoints.entraAuthority}/${tenantA}/oauth2/v2.0/authorize`,
      );
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: sandbox.endpoints.microsoft.clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        scope: 'openid profile',
        code_challenge: createHash('sha256').update(flow.codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
    });

    it('returns no groups when the app registration has no groups claim configured', async () => {
      const app = sandbox.context.directory.microsoft
        .get(tenantA)
        ?.apps.get(sandbox.endpoints.microsoft.clientId);
      if (!app) throw new Error('no app');
      app.groupMembershipClaims = 'None';
      try {
        const flow = newFlow(tenantA);
        expect((await rp.complete('entra', await entraCallback(rp, flow), flow)).groups).toEqual([]);
      } finally {
        app.groupMembershipClaims = 'SecurityGroup';
      }
    });

    it('refuses a callback whose state is not the flow state', async () => {
      const flow = newFlow(tenantA);
      const callback = await entraCallback(rp, flow);
      expect(await refusal(rp.complete('entra', callback, { ...flow, state: token() }))).toBe(
        'state-mismatch',
      );
    });

    it('refuses an ID token whose nonce is not the stored nonce', async () => {
      const flow = newFlow(tenantA);
      const callback = await entraCallback(rp, flow);
      expect(await refusal(rp.complete('entra', callback, { ...flow, nonce: token() }))).toBe(
        'nonce-mismatch',
      );
    });

    it('refuses a code that was already redeemed', async () => {
      const flow = newFlow(tenantA);
      const callback = await entraCallback(rp, flow);
      await rp.complete('entra', callback, flow);
      expect(await refusal(rp.complete('entra', callback, flow))).toBe('token-exchange');
    });

    it('refuses a sign-in completed at another tenant than the one the flow started with', async () => {
      const flow = newFlow(tenantB);
      const callback = await entraCallback(rp, flow);
      // The code is tenant B's; redeeming it as tenant A's fails at A's token endpoint.
      expect(await refusal(rp.complete('entra', callback, { ...flow, tenantId: tenantA }))).toBe(
        'token-exchange',
      );
    });

    it('refuses a valid ID token of another tenant slipped into the token response', async () => {
      const nonce = token();
      const fromB = await capturedEntraIdToken((o) => new OpenIdRelyingParty(o), newFlow(tenantB, nonce));
      const party = new OpenIdRelyingParty({ ...options, fetch: editingIdTokens(() => fromB) });
      const flow = newFlow(tenantA, nonce);
      // Discovery per tenant pins the issuer, so tenant B's token fails there, before its tid is read.
      expect(await refusal(party.complete('entra', await entraCallback(party, flow), flow))).toBe('issuer');
    });

    it('refuses an ID token issued to another app registration', async () => {
      const tenant = sandbox.context.directory.microsoft.get(tenantA);
      const ferry = tenant?.apps.get(sandbox.endpoints.microsoft.clientId);
      if (!tenant || !ferry) throw new Error('no app');
      const other = {
        ...ferry,
        clientId: '7d4a9c0e-1b2f-4c3d-8e5f-6a7b8c9d0e1f',
        displayName: 'Other app',
        secrets: new Set(['other-secret']),
        certificates: new Map(),
      };
      tenant.apps.set(other.clientId, other);
      const nonce = token();
      const forOther = await capturedEntraIdToken(
        (o) =>
          new OpenIdRelyingParty({
            ...o,
            entra: { ...o.entra, clientId: other.clientId, clientSecret: 'other-secret' },
          }),
        newFlow(tenantA, nonce),
      );
      const party = new OpenIdRelyingParty({ ...options, fetch: editingIdTokens(() => forOther) });
      const flow = newFlow(tenantA, nonce);
      expect(await refusal(party.complete('entra', await entraCallback(party, flow), flow))).toBe('audience');
    });

    it('refuses an ID token whose signature does not verify', async () => {
      const party = new OpenIdRelyingParty({
        ...options,
        fetch: editingIdTokens((t) => {
          const [h, p, s = ''] = t.split('.');
          return `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
        }),
      });
      const flow = newFlow(tenantA);
      expect(await refusal(party.complete('entra', await entraCallback(party, flow), flow))).toBe(
        'signature',
      );
    });

    it('refuses an ID token that has expired by the relying party clock', async () => {
      const flow = newFlow(tenantA);
      const callback = await entraCallback(rp, flow);
      const realNow = Date.now.bind(Date);
      // The sandbox's clock keeps its own reference to the real Date.now, so only the relying party moves.
      const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 2 * 3600 * 1000);
      try {
        expect(await refusal(rp.complete('entra', callback, flow))).toBe('expired');
      } finally {
        later.mockRestore();
      }
    });

    it('refuses a callback that carries error=access_denied', async () => {
      const flow = newFlow(tenantA);
      const callback = `${REDIRECT}?error=access_denied&error_description=${encodeURIComponent('AADSTS65004: User declined to consent.')}&state=${flow.state}`;
      expect(await refusal(rp.complete('entra', callback, flow))).toBe('idp-error');
    });

    it('refuses a tenant that is not a tenant id before any request', async () => {
      expect(
        await refusal(rp.authorizationUrl('entra', { ...newFlow('../common'), hostedDomain: null })),
      ).toBe('tenant');
    });

    it('reports an unreachable authority as a discovery failure', async () => {
      const party = new OpenIdRelyingParty({
        ...options,
        entra: { ...options.entra, authority: 'https://127.0.0.1:1' },
      });
      expect(
        await refusal(party.authorizationUrl('entra', { ...newFlow(tenantA), hostedDomain: null })),
      ).toBe('discovery');
    });
  });

  describe('Google', () => {
    const googleCallback = async (
      party: OpenIdRelyingParty,
      flow: Flow,
      hostedDomain: string | null = null,
    ): Promise<string> => {
      const who = googleUser();
      return signIn(
        await party.authorizationUrl('google', { ...flow, hostedDomain }),
        who.primaryEmail,
        who.password,
      );
    };

    it('signs a Workspace user in as sub with the hosted domain and the verified email, and no groups', async () => {
      const who = googleUser();
      const flow = newFlow(null);
      const assertion = await rp.complete(
        'google',
        await googleCallback(rp, flow, sandbox.endpoints.google.domain),
        flow,
      );
      expect(assertion).toEqual({
        identity: { issuer: 'https://accounts.google.com', subject: who.id },
        tenantId: null,
        hostedDomain: sandbox.endpoints.google.domain,
        userPrincipal: who.primaryEmail,
        groups: [],
        displayName: `${who.givenName} ${who.familyName}`,
      });
    });

    it('asks for openid email profile with PKCE S256 and passes one hosted domain as the hd hint', async () => {
      const flow = newFlow(null);
      const url = new URL(await rp.authorizationUrl('google', { ...flow, hostedDomain: 'fabrikam.example' }));
      expect(url.origin + url.pathname).toBe(`${sandbox.endpoints.entraAuthority}/o/oauth2/v2/auth`);
      expect(url.searchParams.get('scope')).toBe('openid email profile');
      expect(url.searchParams.get('hd')).toBe('fabrikam.example');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toBe(
        createHash('sha256').update(flow.codeVerifier).digest('base64url'),
      );
      const withoutHint = new URL(await rp.authorizationUrl('google', { ...flow, hostedDomain: null }));
      expect(withoutHint.searchParams.has('hd')).toBe(false);
    });

    it('refuses a Google ID token whose nonce is not the stored nonce', async () => {
      const flow = newFlow(null);
      const callback = await googleCallback(rp, flow);
      expect(await refusal(rp.complete('google', callback, { ...flow, nonce: token() }))).toBe(
        'nonce-mismatch',
      );
    });

    it('refuses a discovery document that names another issuer than the configured one', async () => {
      const party = new OpenIdRelyingParty({
        ...options,
        google: { ...options.google, issuer: 'https://accounts.example' },
      });
      expect(await refusal(party.authorizationUrl('google', { ...newFlow(null), hostedDomain: null }))).toBe(
        'issuer',
      );
    });
  });

  it('treats a provider without a client id as not configured and starts no flow for it', async () => {
    const party = new OpenIdRelyingParty({ redirectUri: REDIRECT, google: options.google ?? {} });
    expect(party.isConfigured('entra')).toBe(false);
    expect(party.isConfigured('google')).toBe(true);
    expect(await refusal(party.authorizationUrl('entra', { ...newFlow(tenantA), hostedDomain: null }))).toBe(
      'not-configured',
    );
  });
});
