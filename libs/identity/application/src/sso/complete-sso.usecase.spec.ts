import { randomUUID } from 'node:crypto';
import type { Organisation, SsoProviderName, SsoSettings } from '@ferry/identity/domain';
import { AuditUnavailableError, InvalidCommandError } from '../identity.errors';
import { type ProviderAssertion, SsoRejectedError } from '../identity.ports';
import { SessionIssuer } from '../session-issuer';
import {
  anAccount,
  anOrganisation,
  createIdentityFakes,
  type IdentityFakes,
  reachableStrings,
} from '../testing/spec-support';
import { CompleteSsoCommand } from './complete-sso.command';
import { CompleteSsoUseCase } from './complete-sso.usecase';
import { StartSsoCommand } from './start-sso.command';
import { StartSsoUseCase } from './start-sso.usecase';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '99999999-9999-4999-8999-999999999999';
const ENTRA_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const GOOGLE_ISSUER = 'https://accounts.google.com';
const OPS_GROUP = 'aaaaaaaa-0000-4000-8000-00000000000a';
const AUDIT_GROUP = 'aaaaaaaa-0000-4000-8000-00000000000b';
const PRINCIPAL = 'Planted.Person@Contoso.com';

const settings: SsoSettings = {
  entraTenantIds: [TENANT],
  googleHostedDomains: ['contoso.com'],
  allowedDomains: ['contoso.com', 'contoso.co.uk'],
  groupRoles: [
    { group: OPS_GROUP, role: 'migration-operator' },
    { group: AUDIT_GROUP, role: 'auditor' },
  ],
};

const entraUser = (overrides: Partial<ProviderAssertion> = {}): ProviderAssertion => ({
  identity: { issuer: ENTRA_ISSUER, subject: `${TENANT}:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9` },
  tenantId: TENANT,
  hostedDomain: null,
  userPrincipal: PRINCIPAL,
  groups: [OPS_GROUP],
  displayName: 'Planted Person',
  ...overrides,
});

const googleUser = (overrides: Partial<ProviderAssertion> = {}): ProviderAssertion => ({
  identity: { issuer: GOOGLE_ISSUER, subject: '110248495921238986420' },
  tenantId: null,
  hostedDomain: 'contoso.com',
  userPrincipal: PRINCIPAL,
  groups: [OPS_GROUP],
  displayName: 'Planted Person',
  ...overrides,
});

async function setUp(sso: SsoSettings = settings) {
  const f = createIdentityFakes();
  const org: Organisation = anOrganisation({ sso });
  await f.organisations.insert(org);
  const issuer = new SessionIssuer(f.sessions, f.keyedHasher, f.signer, f.audit, f.policy);
  const starter = new StartSsoUseCase(
    f.organisations,
    f.ssoTransactions,
    f.oidc,
    f.keyedHasher,
    f.audit,
    f.clock,
  );
  const completer = new CompleteSsoUseCase(
    f.organisations,
    f.accounts,
    f.unitOfWork,
    f.ssoTransactions,
    f.oidc,
    f.keyedHasher,
    f.audit,
    f.clock,
    issuer,
  );

  /** Starts a flow and returns what the browser comes back with. */
  const begin = async (provider: SsoProviderName = 'entra', orgId = org.id) => {
    const started = await starter.execute(StartSsoCommand.create({ orgId, provider }));
    const state = f.oidc.authorizationCalls.at(-1)?.state ?? '';
    return {
      binding: started.browserBinding,
      callbackUrl: `https://ferry.example/api/v1/auth/sso/callback?code=c0de&state=${state}`,
    };
  };
  const complete = (flow: { binding: string; callbackUrl: string }) =>
    completer.execute(
      CompleteSsoCommand.create({
        callbackUrl: flow.callbackUrl,
        browserBinding: flow.binding,
        sourceAddress: '192.0.2.9',
      }),
    );
  /** A full sign-in: start, the provider answers `assertion`, complete. */
  const signIn = async (assertion: ProviderAssertion, provider: SsoProviderName = 'entra') => {
    const flow = await begin(provider);
    f.oidc.answer({ assertion });
    return complete(flow);
  };
  return { f, org, begin, complete, signIn };
}

async function refusal(f: IdentityFakes, promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof SsoRejectedError)) throw err;
  const audited = f.audit.withAction('auth.sso.failed').at(-1);
  expect(audited).toMatchObject({ actor: { kind: 'anonymous', id: 'anonymous' }, outcome: 'failure' });
  expect(audited?.detail?.reason).toBe(err.reason);
  return err.reason;
}

const federatedAccounts = async (s: Awaited<ReturnType<typeof setUp>>) =>
  (await s.f.accounts.listByOrg(s.org.id)).filter((a) => a.federated);

describe('completing an SSO sign-in', () => {
  it('creates the account on first sign-in with the mapped roles, a generated login name and the token name', async () => {
    const s = await setUp();
    await s.signIn(entraUser({ groups: [OPS_GROUP, AUDIT_GROUP, 'unmapped-group'] }));
    const [account] = await federatedAccounts(s);
    expect(account).toMatchObject({
      orgId: s.org.id,
      displayName: 'Planted Person',
      email: null,
      realName: null,
      roles: ['migration-operator', 'auditor'],
      federated: { issuer: ENTRA_ISSUER, subject: `${TENANT}:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9` },
    });
    expect(account?.loginName).toMatch(/^entra-[0-9a-f]{12}$/);
    expect(s.f.accounts.stored(account?.id ?? '')?.passwordHash).toBeNull();
  });

  it("issues a session with amr fed and the principal's keyed pseudonym", async () => {
    const s = await setUp();
    const tokens = await s.signIn(entraUser());
    const session = await s.f.sessions.findById(tokens.sessionId);
    expect(session).toMatchObject({
      amr: ['fed'],
      subjectPseudonym: s.f.keyedHasher.pseudonym(PRINCIPAL.toLowerCase()),
    });
    const claims = await s.f.signer.verify(tokens.accessToken);
    expect(claims).toMatchObject({ amr: ['fed'], org: s.org.id, roles: ['migration-operator'] });
  });

  it('audits account.created, role.granted and auth.signin.succeeded with the provider', async () => {
    const s = await setUp();
    const tokens = await s.signIn(entraUser());
    const [account] = await federatedAccounts(s);
    expect(s.f.audit.actions()).toEqual(['account.created', 'role.granted', 'auth.signin.succeeded']);
    expect(s.f.audit.withAction('auth.signin.succeeded')).toEqual([
      expect.objectContaining({
        orgId: s.org.id,
        actor: { kind: 'account', id: account?.id },
        target: { type: 'session', id: tokens.sessionId },
        detail: { method: 'fed', provider: 'entra' },
      }),
    ]);
  });

  it('passes the stored nonce, PKCE verifier and tenant to the relying party', async () => {
    const s = await setUp();
    await s.signIn(entraUser());
    const [auth] = s.f.oidc.authorizationCalls;
    expect(s.f.oidc.completeCalls).toEqual([
      expect.objectContaining({
        provider: 'entra',
        state: auth?.state,
        nonce: auth?.nonce,
        codeVerifier: auth?.codeVerifier,
        tenantId: TENANT,
      }),
    ]);
  });

  it('cannot complete a transaction twice', async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser() }).answer({ assertion: entraUser() });
    await s.complete(flow);
    expect(await refusal(s.f, s.complete(flow))).toBe('unknown-state');
    expect(s.f.oidc.completeCalls).toHaveLength(1);
  });

  it('refuses a callback without the binding of the browser that started it, and spends the flow', async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser() });
    expect(await refusal(s.f, s.complete({ ...flow, binding: 'A'.repeat(43) }))).toBe('binding-mismatch');
    expect(await refusal(s.f, s.complete(flow))).toBe('unknown-state');
    expect(s.f.oidc.completeCalls).toEqual([]);
  });

  it('refuses a callback that brings no binding cookie like a wrong one: audited, and the flow is spent', async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser() });
    expect(await refusal(s.f, s.complete({ ...flow, binding: '' }))).toBe('binding-mismatch');
    expect(s.f.audit.withAction('auth.sso.failed')).toHaveLength(1);
    expect(await refusal(s.f, s.complete(flow))).toBe('unknown-state');
    expect(s.f.oidc.completeCalls).toEqual([]);
  });

  it('refuses a flow older than ten minutes', async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.clock.advance(10 * 60_000 + 1);
    expect(await refusal(s.f, s.complete(flow))).toBe('unknown-state');
  });

  it('refuses a callback without state', async () => {
    const s = await setUp();
    const flow = await s.begin();
    expect(
      await refusal(
        s.f,
        s.complete({ ...flow, callbackUrl: 'https://ferry.example/api/v1/auth/sso/callback?code=c0de' }),
      ),
    ).toBe('missing-state');
  });

  it('refuses a token from an Entra tenant the organisation does not allow', async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser({ tenantId: OTHER_TENANT }) });
    expect(await refusal(s.f, s.complete(flow))).toBe('tenant-not-allowed');
    expect(await federatedAccounts(s)).toEqual([]);
  });

  it('refuses a Google hosted domain the organisation does not allow, and a consumer account without one', async () => {
    const s = await setUp();
    for (const hostedDomain of ['fabrikam.com', null]) {
      const flow = await s.begin('google');
      s.f.oidc.answer({ assertion: googleUser({ hostedDomain }) });
      expect(await refusal(s.f, s.complete(flow))).toBe('hosted-domain-not-allowed');
    }
    expect(await federatedAccounts(s)).toEqual([]);
  });

  it('refuses a principal outside the allowed domains, including a subdomain of one (exact domains only)', async () => {
    const s = await setUp();
    for (const userPrincipal of ['someone@fabrikam.com', 'someone@eu.contoso.com', 'no-domain']) {
      const flow = await s.begin();
      s.f.oidc.answer({ assertion: entraUser({ userPrincipal }) });
      expect(await refusal(s.f, s.complete(flow))).toBe('principal-domain-not-allowed');
    }
    expect(await federatedAccounts(s)).toEqual([]);
  });

  it('refuses a user none of whose groups is mapped to a role', async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser({ groups: ['unmapped-group'] }) });
    expect(await refusal(s.f, s.complete(flow))).toBe('no-mapped-group');
    expect(await federatedAccounts(s)).toEqual([]);
  });

  it("audits the relying party's own refusal with its reason", async () => {
    const s = await setUp();
    const flow = await s.begin();
    s.f.oidc.answer({ reject: 'id-token-invalid' });
    expect(await refusal(s.f, s.complete(flow))).toBe('id-token-invalid');
  });

  it('audits a provider that cannot be reached as provider-unavailable and passes the failure on', async () => {
    const s = await setUp();
    const flow = await s.begin();
    const outage = new Error('connect ECONNREFUSED');
    jest.spyOn(s.f.oidc, 'complete').mockRejectedValueOnce(outage);
    await expect(s.complete(flow)).rejects.toBe(outage);
    expect(s.f.audit.withAction('auth.sso.failed').map((e) => e.detail?.reason)).toEqual([
      'provider-unavailable',
    ]);
  });

  it('refuses an oversized or malformed callback as invalid input', () => {
    expect(() =>
      CompleteSsoCommand.create({
        callbackUrl: `https://ferry.example/cb?state=${'s'.repeat(9000)}`,
        browserBinding: 'b',
      }),
    ).toThrow(InvalidCommandError);
    expect(() =>
      CompleteSsoCommand.create({ callbackUrl: 'javascript:alert(1)', browserBinding: 'b' }),
    ).toThrow(InvalidCommandError);
    expect(() =>
      CompleteSsoCommand.create({
        callbackUrl: 'https://ferry.example/cb?state=x',
        browserBinding: 'b'.repeat(129),
      }),
    ).toThrow(InvalidCommandError);
  });

  it('finds the same account when the email claim changes between sign-ins: identity is issuer + subject', async () => {
    const s = await setUp();
    const first = await s.signIn(entraUser({ userPrincipal: 'old.name@contoso.com' }));
    const second = await s.signIn(entraUser({ userPrincipal: 'new.name@contoso.co.uk' }));
    const accounts = await federatedAccounts(s);
    expect(accounts).toHaveLength(1);
    const sessions = await Promise.all([first, second].map((t) => s.f.sessions.findById(t.sessionId)));
    expect(sessions.map((x) => x?.accountId)).toEqual([accounts[0]?.id, accounts[0]?.id]);
  });

  it('makes a different account for the same email from another subject', async () => {
    const s = await setUp();
    await s.signIn(entraUser());
    await s.signIn(entraUser({ identity: { issuer: ENTRA_ISSUER, subject: `${TENANT}:${randomUUID()}` } }));
    expect(await federatedAccounts(s)).toHaveLength(2);
  });

  it('keeps Entra and Google identities apart even when their subjects coincide', async () => {
    const s = await setUp();
    await s.signIn(entraUser({ identity: { issuer: ENTRA_ISSUER, subject: 'same' } }));
    await s.signIn(googleUser({ identity: { issuer: GOOGLE_ISSUER, subject: 'same' } }), 'google');
    expect((await federatedAccounts(s)).map((a) => a.loginName.split('-')[0]).sort()).toEqual([
      'entra',
      'google',
    ]);
  });

  it('updates the roles to the mapped ones when the groups change, and ends the sessions holding the old roles', async () => {
    const s = await setUp();
    const first = await s.signIn(entraUser({ groups: [OPS_GROUP] }));
    await s.signIn(entraUser({ groups: [AUDIT_GROUP] }));
    const [account] = await federatedAccounts(s);
    expect(account?.roles).toEqual(['auditor']);
    expect(await s.f.sessions.findById(first.sessionId)).toMatchObject({ revokeReason: 'role-changed' });
    expect(
      s.f.audit.entries.filter((e) => e.action === 'role.granted' || e.action === 'role.revoked').slice(-2),
    ).toEqual([
      expect.objectContaining({
        action: 'role.granted',
        actor: { kind: 'service', id: 'identity' },
        detail: { source: 'sso', role: 'auditor' },
      }),
      expect.objectContaining({
        action: 'role.revoked',
        actor: { kind: 'service', id: 'identity' },
        detail: { source: 'sso', role: 'migration-operator' },
      }),
    ]);
  });

  it('leaves roles and sessions alone when the mapped roles are unchanged', async () => {
    const s = await setUp();
    const first = await s.signIn(entraUser());
    await s.signIn(entraUser());
    expect((await s.f.sessions.findById(first.sessionId))?.revokedAt).toBeNull();
    expect(s.f.audit.withAction('role.granted')).toHaveLength(1);
  });

  it('refuses an identity whose account belongs to another organisation', async () => {
    const s = await setUp();
    const elsewhere = anAccount({ orgId: randomUUID(), federated: entraUser().identity });
    await s.f.accounts.insert(elsewhere, null);
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser() });
    expect(await refusal(s.f, s.complete(flow))).toBe('account-in-other-organisation');
  });

  it('never stores, audits or signs the principal, on success or refusal', async () => {
    const s = await setUp();
    await s.signIn(entraUser());
    await s.signIn(googleUser(), 'google');
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser({ userPrincipal: 'planted.person@fabrikam.com' }) });
    await expect(s.complete(flow)).rejects.toBeInstanceOf(SsoRejectedError);

    const state = reachableStrings(
      s.f.accounts,
      s.f.sessions,
      s.f.audit,
      s.f.ssoTransactions,
      s.f.signer,
      s.f.organisations,
    )
      .join('\n')
      .toLowerCase();
    expect(state).not.toContain('planted.person');
    expect((await federatedAccounts(s)).length).toBe(2);
  });

  it('cleans control characters from the token name and cuts it to 100 characters', async () => {
    const s = await setUp();
    await s.signIn(entraUser({ displayName: `Eve\u202e\u0007 ${'x'.repeat(200)}` }));
    const [account] = await federatedAccounts(s);
    expect(account?.displayName).toBe(`Eve ${'x'.repeat(96)}`);
  });

  it('falls back to a neutral display name when the token has none', async () => {
    const s = await setUp();
    await s.signIn(entraUser({ displayName: ' \u0000 ' }));
    expect((await federatedAccounts(s))[0]?.displayName).toBe('Federated user');
  });

  it('provisions the account, for anyone to see, only once its creation is recorded', async () => {
    const s = await setUp();
    const seen: unknown[] = [];
    s.f.audit.beforeStoring = async (entry) => {
      if (entry.action === 'account.created' || entry.action === 'role.granted')
        seen.push(await federatedAccounts(s));
    };
    await s.signIn(entraUser());
    expect(seen).toEqual([[], []]);
    expect(await federatedAccounts(s)).toHaveLength(1);
  });

  it('keeps the roles and the sessions when the role change of a sign-in cannot be audited, and refuses the sign-in', async () => {
    const s = await setUp();
    const first = await s.signIn(entraUser({ groups: [OPS_GROUP] }));
    s.f.audit.failWhen = (e) => e.action === 'role.revoked';
    await expect(s.signIn(entraUser({ groups: [AUDIT_GROUP] }))).rejects.toThrow(
      'the audit trail is unavailable; the change was not applied',
    );
    expect((await federatedAccounts(s))[0]?.roles).toEqual(['migration-operator']);
    expect((await s.f.sessions.findById(first.sessionId))?.revokedAt).toBeNull();
    expect(s.f.sessions.all()).toHaveLength(1);
  });

  it('creates no account when its creation cannot be audited', async () => {
    const s = await setUp();
    s.f.audit.failWhen = (e) => e.action === 'role.granted';
    const flow = await s.begin();
    s.f.oidc.answer({ assertion: entraUser() });
    await expect(s.complete(flow)).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await federatedAccounts(s)).toEqual([]);
    expect(s.f.sessions.all()).toEqual([]);
  });

  it('hands out no tokens and leaves no live session when the sign-in cannot be audited', async () => {
    const s = await setUp();
    s.f.audit.failWhen = (e) => e.action === 'auth.signin.succeeded';
    await expect(s.signIn(entraUser())).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(s.f.sessions.all().every((x) => x.revokedAt !== null)).toBe(true);
  });
});
