import { createHash } from 'node:crypto';
import { ConnectorNotFoundError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import { CALLER, delegatedConnector, fingerprinter, onboardingWorld, ORG, OTHER_ORG, tokenSource } from './onboarding.fakes';
import { StartDelegationUseCase } from './start-delegation.usecase';

describe('StartDelegationUseCase', () => {
  const setup = () => {
    const w = onboardingWorld();
    const connector = delegatedConnector(w);
    const useCase = new StartDelegationUseCase(w.connectors, w.vault, tokenSource, w.provider, w.store, fingerprinter, w.audit, w.clock);
    const start = (over: Partial<{ orgId: string; connectorId: string; loginHint: string }> = {}) =>
      useCase.execute({ orgId: ORG, connectorId: connector.id, loginHint: '', caller: CALLER, ...over });
    return { ...w, connector, start };
  };

  it("asks the provider for the connector's workload scopes with a fresh state and an S256 challenge", async () => {
    const { start, provider } = setup();
    const { authorizationUrl } = await start();
    const [request] = provider.requests;
    expect(request).toMatchObject({ scopes: ['scope:mail', 'scope:files'], loginHint: null });
    expect(new URL(authorizationUrl).searchParams.get('state')).toBe(request!.state);
    expect(Buffer.from(request!.state, 'base64url')).toHaveLength(32);
  });

  it('stores the state as a hash and the verifier that matches the challenge, for 30 minutes', async () => {
    const { start, store, clock } = setup();
    const url = new URL((await start()).authorizationUrl);
    const state = url.searchParams.get('state') ?? '';
    const row = store.rows.get(createHash('sha256').update(state).digest('hex'));
    expect(row).toMatchObject({ kind: 'delegation', orgId: ORG, startedBy: 'acct-admin', expectedSubject: null });
    expect(createHash('sha256').update(row!.codeVerifier ?? '').digest('base64url')).toBe(url.searchParams.get('code_challenge'));
    expect(row!.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
  });

  it('answers a fresh browser binding per flow and stores only its hash', async () => {
    const { start, store } = setup();
    const first = await start();
    const second = await start();
    expect(Buffer.from(first.browserBinding, 'base64url')).toHaveLength(32);
    expect(second.browserBinding).not.toBe(first.browserBinding);
    const state = new URL(first.authorizationUrl).searchParams.get('state') ?? '';
    const row = store.rows.get(createHash('sha256').update(state).digest('hex'));
    expect(row!.bindingHash).toBe(createHash('sha256').update(first.browserBinding).digest('hex'));
    expect(JSON.stringify([...store.rows.values()])).not.toContain(first.browserBinding);
  });

  it('binds a hinted flow to that account, keeping only its pseudonym, and audits the start', async () => {
    const { start, store, audit, provider } = setup();
    await start({ loginHint: ' Ada.Lovelace@Fabrikam.example ' });
    expect(provider.requests[0]!.loginHint).toBe('ada.lovelace@fabrikam.example');
    const [row] = [...store.rows.values()];
    expect(row!.expectedSubject).toBe(fingerprinter.pseudonym('ada.lovelace@fabrikam.example'));
    expect(audit.entries).toEqual([expect.objectContaining({ action: 'connector.delegation.started', outcome: 'success', detail: { subject: row!.expectedSubject } })]);
    expect(JSON.stringify(audit.entries)).not.toContain('ada.lovelace');
  });

  it('refuses connectors that do not take per-user grants, and pending ones', async () => {
    const { start, connectors, connector } = setup();
    connectors.rows.set(connector.id, { ...connector, settings: { kind: 'google-workspace', auth: 'service-account', customerId: 'C01abc2de' } });
    await expect(start()).rejects.toBeInstanceOf(ConnectorStateError);
    connectors.rows.set(connector.id, { ...connector, status: 'credentials-removed' });
    await expect(start()).rejects.toThrow('the connector is credentials-removed');
  });

  it("answers another organisation's connector as not found", async () => {
    const { start } = setup();
    await expect(start({ orgId: OTHER_ORG })).rejects.toBeInstanceOf(ConnectorNotFoundError);
  });

  it('refuses a login hint with spaces or control characters without echoing it', async () => {
    const { start, store } = setup();
    const err = await start({ loginHint: 'a b\u0000@x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidCommandError);
    expect((err as Error).message).not.toContain('a b');
    expect(store.rows.size).toBe(0);
  });

  it('stores no flow when its start cannot be audited', async () => {
    const { start, store, audit } = setup();
    audit.failing = true;
    await expect(start()).rejects.toThrow('audit trail is unavailable');
    expect(store.rows.size).toBe(0);
  });
});
