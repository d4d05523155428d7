import { createHash } from 'node:crypto';
import { InvalidCommandError } from '../connectors.errors';
import { APP_CLIENT_ID, CALLER, onboardingWorld, ORG } from './onboarding.fakes';
import { StartConsentUseCase } from './start-consent.usecase';

describe('StartConsentUseCase', () => {
  const setup = () => {
    const w = onboardingWorld();
    return { ...w, useCase: new StartConsentUseCase(w.store, w.app, w.audit, w.clock) };
  };
  const input = { orgId: ORG.toUpperCase(), name: '  Contoso  ', workloads: ['mail', 'calendar'], projectTag: '', caller: CALLER };

  it('creates a pending admin-consent connector on the installation app, with an empty tenant', async () => {
    const { useCase, connectors } = setup();
    const { connector } = await useCase.execute(input);
    expect(connector).toMatchObject({ orgId: ORG, name: 'Contoso', status: 'pending-consent', version: 1, projectTag: null });
    expect(connector.settings).toEqual({ kind: 'microsoft-365', auth: 'admin-consent', tenantId: '', clientId: APP_CLIENT_ID, cloud: 'global' });
    expect(connectors.rows.get(connector.id)).toEqual(connector);
  });

  it('stores only the hash of the state in the link, for 30 minutes, naming the org and the connector', async () => {
    const { useCase, store, clock } = setup();
    const { connector, consentUrl } = await useCase.execute(input);
    const state = new URL(consentUrl).searchParams.get('state') ?? '';
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
    const [row] = [...store.rows.values()];
    expect(row).toMatchObject({ stateHash: createHash('sha256').update(state).digest('hex'), kind: 'consent', orgId: ORG, connectorId: connector.id, codeVerifier: null, startedBy: 'acct-admin', spent: false });
    expect(row!.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
    expect(JSON.stringify([...store.rows.values()])).not.toContain(state);
  });

  it('issues a different state on every start', async () => {
    const { useCase } = setup();
    const a = new URL((await useCase.execute(input)).consentUrl).searchParams.get('state');
    const b = new URL((await useCase.execute(input)).consentUrl).searchParams.get('state');
    expect(a).not.toBe(b);
  });

  it('audits the creation as an admin-consent connector', async () => {
    const { useCase, audit } = setup();
    const { connector } = await useCase.execute(input);
    expect(audit.entries).toEqual([expect.objectContaining({ action: 'connector.created', outcome: 'success', connectorId: connector.id, actor: { kind: 'account', id: 'acct-admin' }, detail: { kind: 'microsoft-365', auth: 'admin-consent' } })]);
  });

  it('refuses invalid names, workloads and organisations, naming each field, and stores nothing', async () => {
    const { useCase, connectors, store } = setup();
    const err = await useCase.execute({ ...input, orgId: 'x', name: ' ', workloads: ['mail', 'mail'], projectTag: 'Bad Tag' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidCommandError);
    expect((err as InvalidCommandError).violations.map((v) => v.field)).toEqual(['orgId', 'name', 'workloads', 'projectTag']);
    expect(connectors.rows.size + store.rows.size).toBe(0);
  });

  it('stores nothing when the installation has no app configured', async () => {
    const { useCase, app, connectors, store } = setup();
    app.configured = false;
    await expect(useCase.execute(input)).rejects.toThrow('no installation app');
    expect(connectors.rows.size + store.rows.size).toBe(0);
  });

  it('stores nothing when the creation cannot be audited', async () => {
    const { useCase, audit, connectors, store } = setup();
    audit.failing = true;
    await expect(useCase.execute(input)).rejects.toThrow('audit trail is unavailable');
    expect(connectors.rows.size + store.rows.size).toBe(0);
  });
});
