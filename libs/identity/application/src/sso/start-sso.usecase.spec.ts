import type { Organisation, SsoSettings } from '@ferry/identity/domain';
import { InvalidCommandError } from '../identity.errors';
import { SsoRejectedError } from '../identity.ports';
import { StartSsoCommand } from './start-sso.command';
import { SSO_TRANSACTION_TTL_MS, StartSsoUseCase } from './start-sso.usecase';
import { anOrganisation, createIdentityFakes, ScriptedOidcRelyingParty } from '../testing/spec-support';

const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';
const sso = (overrides: Partial<SsoSettings>): SsoSettings => ({
  entraTenantIds: [],
  googleHostedDomains: [],
  allowedDomains: ['contoso.com'],
  groupRoles: [{ group: 'ops', role: 'viewer' }],
  ...overrides,
});

async function setUp(settings: SsoSettings, oidc = new ScriptedOidcRelyingParty()) {
  const f = createIdentityFakes();
  const org: Organisation = anOrganisation({ sso: settings });
  await f.organisations.insert(org);
  const useCase = new StartSsoUseCase(
    f.organisations,
    f.ssoTransactions,
    oidc,
    f.keyedHasher,
    f.audit,
    f.clock,
  );
  const start = (provider: string, hint?: string, orgId = org.id) =>
    useCase.execute(StartSsoCommand.create({ orgId, provider, hint, sourceAddress: '192.0.2.1' }));
  return { f, org, oidc, start };
}

async function refusalReason(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof SsoRejectedError)) throw err;
  return err.reason;
}

describe('starting an SSO sign-in', () => {
  it('returns the authorization URL, a browser binding and an expiry ten minutes out', async () => {
    const s = await setUp(sso({ entraTenantIds: [TENANT_A] }));
    const started = await s.start('entra');
    expect(started.authorizationUrl).toMatch(/^https:\/\/idp\.test\/entra\//);
    expect(started.expiresAt).toEqual(new Date(s.f.clock.now().getTime() + SSO_TRANSACTION_TTL_MS));
    expect(started.browserBinding).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('draws state, nonce, PKCE verifier and binding as distinct 32-byte base64url values', async () => {
    const s = await setUp(sso({ entraTenantIds: [TENANT_A] }));
    const started = await s.start('entra');
    const [call] = s.oidc.authorizationCalls;
    const values = [call?.state, call?.nonce, call?.codeVerifier, started.browserBinding];
    for (const v of values) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(values).size).toBe(4);
  });

  it('stores the flow under hashes of its state and binding, never the raw values', async () => {
    const s = await setUp(sso({ entraTenantIds: [TENANT_A] }));
    const started = await s.start('entra');
    const state = s.oidc.authorizationCalls[0]?.state ?? '';
    const tx = await s.f.ssoTransactions.take(s.f.keyedHasher.tokenHash(state), s.f.clock.now());
    expect(tx).toMatchObject({
      orgId: s.org.id,
      provider: 'entra',
      tenantId: TENANT_A,
      bindingHash: s.f.keyedHasher.tokenHash(started.browserBinding),
    });
    expect(JSON.stringify(tx)).not.toContain(state);
    expect(JSON.stringify(tx)).not.toContain(started.browserBinding);
  });

  it("signs in to the organisation's first Entra tenant, or to the hinted one when it is allowed", async () => {
    const s = await setUp(sso({ entraTenantIds: [TENANT_A, TENANT_B] }));
    await s.start('entra');
    await s.start('entra', TENANT_B.toUpperCase());
    expect(s.oidc.authorizationCalls.map((c) => c.tenantId)).toEqual([TENANT_A, TENANT_B]);
  });

  it('refuses a tenant hint outside the allow-list', async () => {
    const s = await setUp(sso({ entraTenantIds: [TENANT_A] }));
    expect(await refusalReason(s.start('entra', TENANT_B))).toBe('tenant-not-allowed');
    expect(s.f.ssoTransactions.size).toBe(0);
  });

  it("passes Google's hd when the organisation has one hosted domain, and none when it has several", async () => {
    const one = await setUp(sso({ googleHostedDomains: ['contoso.com'] }));
    await one.start('google');
    const several = await setUp(sso({ googleHostedDomains: ['contoso.com', 'fabrikam.com'] }));
    await several.start('google');
    await several.start('google', 'fabrikam.com');
    expect([
      one.oidc.authorizationCalls[0]?.hostedDomain,
      ...several.oidc.authorizationCalls.map((c) => c.hostedDomain),
    ]).toEqual(['contoso.com', null, 'fabrikam.com']);
    expect(several.oidc.authorizationCalls.map((c) => c.tenantId)).toEqual([null, null]);
  });

  it('refuses an unknown organisation, a provider the organisation has not enabled, and one the installation has not configured', async () => {
    const s = await setUp(
      sso({ entraTenantIds: [TENANT_A] }),
      new ScriptedOidcRelyingParty(new Set(['google'])),
    );
    expect(await refusalReason(s.start('entra', undefined, '33333333-3333-4333-8333-333333333333'))).toBe(
      'unknown-organisation',
    );
    expect(await refusalReason(s.start('google'))).toBe('provider-not-enabled');
    expect(await refusalReason(s.start('entra'))).toBe('provider-not-configured');
    expect(s.f.ssoTransactions.size).toBe(0);
  });

  it('audits every refusal as auth.sso.failed with its reason and an anonymous actor', async () => {
    const s = await setUp(sso({ entraTenantIds: [TENANT_A] }));
    await refusalReason(s.start('google'));
    expect(s.f.audit.entries).toEqual([
      {
        orgId: s.org.id,
        actor: { kind: 'anonymous', id: 'anonymous' },
        action: 'auth.sso.failed',
        target: { type: 'organisation', id: s.org.id },
        outcome: 'failure',
        sourceAddress: '192.0.2.1',
        userAgent: '',
        detail: { reason: 'provider-not-enabled', provider: 'google' },
      },
    ]);
  });

  it('refuses an unknown provider and a malformed hint as invalid input', () => {
    const orgId = '44444444-4444-4444-8444-444444444444';
    expect(() => StartSsoCommand.create({ orgId, provider: 'okta' })).toThrow(InvalidCommandError);
    expect(() => StartSsoCommand.create({ orgId, provider: 'entra', hint: 'contoso.com' })).toThrow(
      InvalidCommandError,
    );
    expect(() => StartSsoCommand.create({ orgId: 'nope', provider: 'google' })).toThrow(InvalidCommandError);
  });
});
