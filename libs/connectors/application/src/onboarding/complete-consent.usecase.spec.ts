import { ProviderError } from '@ferry/providers/core';
import { OnboardingRefusedError } from '../connectors.errors';
import { CompleteConsentUseCase } from './complete-consent.usecase';
import { CONSENT_ADMIN_ROLES } from './consent-admin-roles';
import { stateHashOf } from './onboarding-callback';
import { CALLER, onboardingWorld, ORG, OTHER_ORG, SOURCE, TENANT } from './onboarding.fakes';
import { StartConsentUseCase } from './start-consent.usecase';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
/** A role that cannot grant admin consent (User Administrator). */
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const ADMIN = { directoryRoles: [GLOBAL_ADMIN] };

describe('CompleteConsentUseCase', () => {
  const setup = async () => {
    const w = onboardingWorld();
    const start = new StartConsentUseCase(w.store, w.app, w.audit, w.clock);
    const { connector, consentUrl } = await start.execute({ orgId: ORG, name: 'Contoso', workloads: ['mail'], projectTag: '', caller: CALLER });
    const state = new URL(consentUrl).searchParams.get('state') ?? '';
    w.audit.entries.length = 0;
    const complete = new CompleteConsentUseCase(w.store, w.app, w.connectors, w.audit, w.clock);
    /** Entra's admin-consent redirect: answers the continuation. */
    const answer = (query: string) => complete.execute({ query, source: SOURCE });
    /** The confirming sign-in's redirect. */
    const confirm = (query: string) => complete.verify({ query, source: SOURCE });
    /** Both legs, the sign-in made by `user` at the continuation. */
    const consent = async (query: string, user: { tenantId?: string; directoryRoles: readonly string[] } = ADMIN) => confirm(w.app.signIn((await answer(query)).continueUrl, user));
    return { ...w, connector, state, answer, confirm, consent };
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.catch((e: unknown) => e);
    if (!(err instanceof OnboardingRefusedError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err.reason;
  };

  it('answers a sign-in at the named tenant with a fresh single-use state and PKCE bound to the flow, and activates nothing yet', async () => {
    const { answer, state, connector, connectors, store, app, audit } = await setup();
    const { continueUrl, connector: pending } = await answer(`?admin_consent=True&tenant=${TENANT}&state=${state}&scope=x`);
    expect(pending.id).toBe(connector.id);
    const url = new URL(continueUrl);
    expect(url.pathname).toBe(`/${TENANT}/oauth2/v2.0/authorize`);
    const verifyState = url.searchParams.get('state') ?? '';
    expect(verifyState).not.toBe(state);
    expect(Buffer.from(verifyState, 'base64url')).toHaveLength(32);
    const row = store.rows.get(stateHashOf(verifyState));
    expect(row).toMatchObject({ kind: 'consent-verify', orgId: ORG, connectorId: connector.id, expectedSubject: TENANT, startedBy: 'acct-admin', spent: false });
    expect(row?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).not.toBe(row?.codeVerifier);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(app.verified).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it("activates the connector once an administrator of the named tenant signed in, bumps its version and audits the grant", async () => {
    const { consent, state, connector, connectors, audit, app } = await setup();
    const done = await consent(`?admin_consent=True&tenant=${TENANT}&state=${state}&scope=x`);
    expect(done).toMatchObject({ id: connector.id, status: 'active', version: 2, settings: { auth: 'admin-consent', tenantId: TENANT } });
    expect(connectors.rows.get(connector.id)).toEqual(done);
    expect(app.verified).toEqual([TENANT]);
    expect(audit.entries).toEqual([
      expect.objectContaining({ orgId: ORG, action: 'connector.consent.granted', outcome: 'success', actor: { kind: 'anonymous', id: '' }, sourceAddress: SOURCE.sourceAddress, detail: { tenantId: TENANT, startedBy: 'acct-admin' } }),
    ]);
  });

  it.each([...CONSENT_ADMIN_ROLES])('accepts role %s as one that can grant admin consent', async (role) => {
    const { consent, state } = await setup();
    expect(await consent(`admin_consent=True&tenant=${TENANT}&state=${state}`, { directoryRoles: [USER_ADMIN, role.toUpperCase()] })).toMatchObject({ status: 'active' });
  });

  it.each([
    ['no directory role', []],
    ['a role that cannot grant consent', [USER_ADMIN]],
  ])('refuses a sign-in by a user of the tenant with %s, audited as not-an-admin, and leaves the connector pending', async (_what, roles) => {
    const { consent, state, connectors, connector, app, audit } = await setup();
    expect(await refusal(consent(`admin_consent=True&tenant=${TENANT}&state=${state}`, { directoryRoles: roles }))).toBe('not-an-admin');
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(app.verified).toEqual([]);
    expect(audit.entries).toEqual([expect.objectContaining({ orgId: ORG, action: 'connector.consent.granted', outcome: 'denied', detail: { reason: 'not-an-admin', tenantId: TENANT } })]);
  });

  it('refuses a forged callback naming another tenant when the sign-in is not by an administrator of that tenant', async () => {
    const { answer, confirm, app, state, connectors, connector, audit } = await setup();
    const victim = '11111111-2222-4333-8444-555555555555';
    app.consented.add(victim);
    const { continueUrl } = await answer(`admin_consent=True&tenant=${victim}&state=${state}`);
    // The sign-in is at the victim's authority: the attacker's own admin account (another tid) is refused ...
    expect(await refusal(confirm(app.signIn(continueUrl, { tenantId: TENANT, directoryRoles: [GLOBAL_ADMIN] })))).toBe('tenant-mismatch');
    // ... and so is a guest or ordinary account the attacker may have there.
    const again = await setup();
    again.app.consented.add(victim);
    const next = await again.answer(`admin_consent=True&tenant=${victim}&state=${again.state}`);
    expect(await refusal(again.confirm(again.app.signIn(next.continueUrl, { directoryRoles: [] })))).toBe('not-an-admin');
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(app.verified).toEqual([]);
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'tenant-mismatch', tenantId: victim } });
  });

  it('spends the verification state: the same sign-in answer works once', async () => {
    const { answer, confirm, app, state, audit } = await setup();
    const back = app.signIn((await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`)).continueUrl, ADMIN);
    await confirm(back);
    expect(await refusal(confirm(back))).toBe('expired-or-used');
    expect(audit.entries.at(-1)).toMatchObject({ action: 'connector.consent.granted', outcome: 'denied', detail: { reason: 'expired-or-used', state: 'replayed' } });
  });

  it('spends the verification state even when the sign-in is refused', async () => {
    const { answer, confirm, app, state } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    expect(await refusal(confirm(app.signIn(continueUrl, { directoryRoles: [] })))).toBe('not-an-admin');
    expect(await refusal(confirm(app.signIn(continueUrl, ADMIN)))).toBe('expired-or-used');
  });

  it('refuses a verification state at the consent callback and a consent state at the verification callback', async () => {
    const { answer, confirm, app, state } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    const verifyState = new URL(continueUrl).searchParams.get('state') ?? '';
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${verifyState}`))).toBe('wrong-flow');
    const other = await setup();
    expect(await refusal(other.confirm(`code=x&state=${other.state}`))).toBe('wrong-flow');
    expect(app.verified).toEqual([]);
    await expect(confirm(`code=x&state=${verifyState}`)).rejects.toBeInstanceOf(OnboardingRefusedError);
  });

  it('refuses a verification after 10 minutes', async () => {
    const { answer, confirm, app, clock, state } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    clock.advance(10 * 60_000);
    expect(await refusal(confirm(app.signIn(continueUrl, ADMIN)))).toBe('expired-or-used');
  });

  it('refuses a cancelled sign-in as declined, with the machine code only', async () => {
    const { answer, confirm, state, audit } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    const verifyState = new URL(continueUrl).searchParams.get('state') ?? '';
    expect(await refusal(confirm(`error=access_denied&error_description=${encodeURIComponent('AADSTS50126 <script>')}&state=${verifyState}`))).toBe('declined');
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'declined', providerCode: 'access_denied' } });
  });

  it('refuses a verification answer without a code as invalid', async () => {
    const { answer, confirm, state } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    expect(await refusal(confirm(`state=${new URL(continueUrl).searchParams.get('state') ?? ''}`))).toBe('invalid-callback');
  });

  it('refuses the same consent state a second time, audited as a replay', async () => {
    const { answer, state, audit } = await setup();
    await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('expired-or-used');
    expect(audit.entries.at(-1)).toMatchObject({ action: 'connector.consent.granted', outcome: 'denied', detail: { reason: 'expired-or-used', state: 'replayed' } });
  });

  it('refuses a state after 30 minutes and leaves the connector pending', async () => {
    const { answer, state, clock, connectors, connector } = await setup();
    clock.advance(30 * 60_000);
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('expired-or-used');
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
  });

  it('refuses an unknown state without auditing anywhere', async () => {
    const { answer, confirm, audit } = await setup();
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${'A'.repeat(43)}`))).toBe('unknown-state');
    expect(await refusal(confirm(`code=x&state=${'A'.repeat(43)}`))).toBe('unknown-state');
    expect(audit.entries).toEqual([]);
  });

  it.each([
    ['no state', `admin_consent=True&tenant=${TENANT}`],
    ['a repeated state', `admin_consent=True&tenant=${TENANT}&state=${'A'.repeat(43)}&state=${'B'.repeat(43)}`],
    ['a short state', `admin_consent=True&tenant=${TENANT}&state=abc`],
    ['an oversized query', `state=${'A'.repeat(43)}&pad=${'x'.repeat(9000)}`],
  ])('refuses a callback with %s as invalid', async (_what, query) => {
    const { answer, confirm } = await setup();
    expect(await refusal(answer(query))).toBe('invalid-callback');
    expect(await refusal(confirm(query))).toBe('invalid-callback');
  });

  it('spends the state of a declined consent and audits the refusal with the vendor code only', async () => {
    const { answer, state, audit, connectors, connector } = await setup();
    const query = `error=access_denied&error_description=${encodeURIComponent('AADSTS65004: User declined. <script>')}&state=${state}`;
    expect(await refusal(answer(query))).toBe('declined');
    expect(audit.entries).toEqual([expect.objectContaining({ outcome: 'denied', detail: { reason: 'declined', providerCode: 'AADSTS65004' } })]);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('expired-or-used');
  });

  it('refuses a tenant another organisation holds before anyone is asked to sign in', async () => {
    const { answer, state, store, app, audit } = await setup();
    store.heldElsewhere.add(TENANT);
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('tenant-held-elsewhere');
    expect(app.verified).toEqual([]);
    expect([...store.rows.values()].filter((r) => r.kind === 'consent-verify')).toEqual([]);
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'tenant-held-elsewhere', tenantId: TENANT } });
  });

  it('refuses a tenant another organisation took during the sign-in', async () => {
    const { answer, confirm, app, store, state, audit } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    store.heldElsewhere.add(TENANT);
    expect(await refusal(confirm(app.signIn(continueUrl, ADMIN)))).toBe('tenant-held-elsewhere');
    expect(app.verified).toEqual([]);
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'tenant-held-elsewhere', tenantId: TENANT } });
  });

  it('refuses a tenant another organisation took while this consent was being verified (a race past the check)', async () => {
    const { consent, state, app, connectors, connector, audit } = await setup();
    const rival = { ...connector, id: 'e1d2c3b4-a596-4877-8899-aabbccddeeff', orgId: OTHER_ORG, status: 'active' as const, settings: { ...connector.settings, tenantId: TENANT } };
    app.duringVerify = () => connectors.rows.set(rival.id, rival);
    expect(await refusal(consent(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('tenant-held-elsewhere');
    expect(app.verified).toEqual([TENANT]);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'tenant-held-elsewhere', tenantId: TENANT } });
  });

  it('lets a second connector of the same organisation consent for a tenant it already holds', async () => {
    const { consent, state, connectors, connector } = await setup();
    const earlier = { ...connector, id: 'e1d2c3b4-a596-4877-8899-aabbccddeeff', status: 'active' as const, settings: { ...connector.settings, tenantId: TENANT } };
    connectors.rows.set(earlier.id, earlier);
    expect(await consent(`admin_consent=True&tenant=${TENANT}&state=${state}`)).toMatchObject({ id: connector.id, status: 'active' });
  });

  it('does not activate a connector for a tenant whose app-only token fails after the sign-in', async () => {
    const { consent, state, connectors, connector, audit } = await setup();
    const forged = '11111111-2222-4333-8444-555555555555';
    const err = await consent(`admin_consent=True&tenant=${forged}&state=${state}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'failure', detail: { reason: 'provider', code: 'unknown-client', providerCode: 'AADSTS700016' } });
  });

  it('refuses a code that was not issued for this flow (another verifier)', async () => {
    const { answer, app, state, audit } = await setup();
    const first = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    const other = await setup();
    const second = await other.answer(`admin_consent=True&tenant=${TENANT}&state=${other.state}`);
    // A code from this flow's sign-in, carried back with another flow's state.
    const code = new URLSearchParams(app.signIn(first.continueUrl, ADMIN)).get('code') ?? '';
    await expect(other.confirm(`code=${code}&state=${new URL(second.continueUrl).searchParams.get('state') ?? ''}`)).rejects.toBeInstanceOf(ProviderError);
    expect(audit.entries).toEqual([]);
  });

  it('refuses when the connector was deleted while the link was open', async () => {
    const { answer, confirm, app, state, connectors, connector } = await setup();
    const { continueUrl } = await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`);
    connectors.rows.delete(connector.id);
    expect(await refusal(confirm(app.signIn(continueUrl, ADMIN)))).toBe('connector-changed');
  });

  it('leaves the connector pending when the grant cannot be audited', async () => {
    const { consent, state, audit, connectors, connector } = await setup();
    audit.failing = true;
    await expect(consent(`admin_consent=True&tenant=${TENANT}&state=${state}`)).rejects.toThrow('audit trail is unavailable');
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
  });
});
