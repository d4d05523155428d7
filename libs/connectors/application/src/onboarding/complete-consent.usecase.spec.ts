import { ProviderError } from '@ferry/providers/core';
import { OnboardingRefusedError } from '../connectors.errors';
import { CompleteConsentUseCase } from './complete-consent.usecase';
import { CALLER, onboardingWorld, ORG, OTHER_ORG, SOURCE, TENANT } from './onboarding.fakes';
import { StartConsentUseCase } from './start-consent.usecase';

describe('CompleteConsentUseCase', () => {
  const setup = async () => {
    const w = onboardingWorld();
    const start = new StartConsentUseCase(w.store, w.app, w.audit, w.clock);
    const { connector, consentUrl } = await start.execute({ orgId: ORG, name: 'Contoso', workloads: ['mail'], projectTag: '', caller: CALLER });
    const state = new URL(consentUrl).searchParams.get('state') ?? '';
    w.audit.entries.length = 0;
    const complete = new CompleteConsentUseCase(w.store, w.app, w.connectors, w.audit, w.clock);
    const answer = (query: string) => complete.execute({ query, source: SOURCE });
    return { ...w, connector, state, answer };
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.catch((e: unknown) => e);
    if (!(err instanceof OnboardingRefusedError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err.reason;
  };

  it('activates the connector with the consenting tenant, bumps its version and audits the grant', async () => {
    const { answer, state, connector, connectors, audit, app } = await setup();
    const done = await answer(`?admin_consent=True&tenant=${TENANT}&state=${state}&scope=x`);
    expect(done).toMatchObject({ id: connector.id, status: 'active', version: 2, settings: { auth: 'admin-consent', tenantId: TENANT } });
    expect(connectors.rows.get(connector.id)).toEqual(done);
    expect(app.verified).toEqual([TENANT]);
    expect(audit.entries).toEqual([
      expect.objectContaining({ orgId: ORG, action: 'connector.consent.granted', outcome: 'success', actor: { kind: 'anonymous', id: '' }, sourceAddress: SOURCE.sourceAddress, detail: { tenantId: TENANT, startedBy: 'acct-admin' } }),
    ]);
  });

  it('refuses the same state a second time, audited as a replay', async () => {
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
    const { answer, audit } = await setup();
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${'A'.repeat(43)}`))).toBe('unknown-state');
    expect(audit.entries).toEqual([]);
  });

  it.each([
    ['no state', `admin_consent=True&tenant=${TENANT}`],
    ['a repeated state', `admin_consent=True&tenant=${TENANT}&state=${'A'.repeat(43)}&state=${'B'.repeat(43)}`],
    ['a short state', `admin_consent=True&tenant=${TENANT}&state=abc`],
    ['an oversized query', `state=${'A'.repeat(43)}&pad=${'x'.repeat(9000)}`],
  ])('refuses a callback with %s as invalid', async (_what, query) => {
    const { answer } = await setup();
    expect(await refusal(answer(query))).toBe('invalid-callback');
  });

  it('spends the state of a declined consent and audits the refusal with the vendor code only', async () => {
    const { answer, state, audit, connectors, connector } = await setup();
    const query = `error=access_denied&error_description=${encodeURIComponent('AADSTS65004: User declined. <script>')}&state=${state}`;
    expect(await refusal(answer(query))).toBe('declined');
    expect(audit.entries).toEqual([expect.objectContaining({ outcome: 'denied', detail: { reason: 'declined', providerCode: 'AADSTS65004' } })]);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('expired-or-used');
  });

  it('refuses a tenant another organisation holds, without verifying it', async () => {
    const { answer, state, store, app, audit } = await setup();
    store.heldElsewhere.add(TENANT);
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('tenant-held-elsewhere');
    expect(app.verified).toEqual([]);
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'tenant-held-elsewhere', tenantId: TENANT } });
  });

  it('refuses a tenant another organisation took while this consent was being verified (a race past the check)', async () => {
    const { answer, state, app, connectors, connector, audit } = await setup();
    const rival = { ...connector, id: 'e1d2c3b4-a596-4877-8899-aabbccddeeff', orgId: OTHER_ORG, status: 'active' as const, settings: { ...connector.settings, tenantId: TENANT } };
    app.duringVerify = () => connectors.rows.set(rival.id, rival);
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('tenant-held-elsewhere');
    expect(app.verified).toEqual([TENANT]);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'tenant-held-elsewhere', tenantId: TENANT } });
  });

  it('lets a second connector of the same organisation consent for a tenant it already holds', async () => {
    const { answer, state, connectors, connector } = await setup();
    const earlier = { ...connector, id: 'e1d2c3b4-a596-4877-8899-aabbccddeeff', status: 'active' as const, settings: { ...connector.settings, tenantId: TENANT } };
    connectors.rows.set(earlier.id, earlier);
    expect(await answer(`admin_consent=True&tenant=${TENANT}&state=${state}`)).toMatchObject({ id: connector.id, status: 'active' });
  });

  it('does not activate a connector for a tenant that never granted the app (a forged callback)', async () => {
    const { answer, state, connectors, connector, audit } = await setup();
    const forged = '11111111-2222-4333-8444-555555555555';
    const err = await answer(`admin_consent=True&tenant=${forged}&state=${state}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'failure', detail: { reason: 'provider', code: 'unknown-client', providerCode: 'AADSTS700016' } });
  });

  it('refuses when the connector was deleted while the link was open', async () => {
    const { answer, state, connectors, connector } = await setup();
    connectors.rows.delete(connector.id);
    expect(await refusal(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`))).toBe('connector-changed');
  });

  it('leaves the connector pending when the grant cannot be audited', async () => {
    const { answer, state, audit, connectors, connector } = await setup();
    audit.failing = true;
    await expect(answer(`admin_consent=True&tenant=${TENANT}&state=${state}`)).rejects.toThrow('audit trail is unavailable');
    expect(connectors.rows.get(connector.id)?.status).toBe('pending-consent');
  });
});
