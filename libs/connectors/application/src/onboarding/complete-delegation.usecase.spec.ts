import { userCredentialField } from '@ferry/connectors/domain';
import { ProviderError } from '@ferry/providers/core';
import { OnboardingRefusedError } from '../connectors.errors';
import { CompleteConsentUseCase } from './complete-consent.usecase';
import { CompleteDelegationUseCase } from './complete-delegation.usecase';
import { CALLER, delegatedConnector, fingerprinter, onboardingWorld, ORG, SOURCE, tokenSource } from './onboarding.fakes';
import { StartConsentUseCase } from './start-consent.usecase';
import { StartDelegationUseCase } from './start-delegation.usecase';

const ADA = 'ada.lovelace@fabrikam.example';
const BOB = 'bob.builder@fabrikam.example';

describe('CompleteDelegationUseCase', () => {
  const setup = () => {
    const w = onboardingWorld();
    const connector = delegatedConnector(w);
    const start = new StartDelegationUseCase(w.connectors, w.vault, tokenSource, w.provider, w.store, fingerprinter, w.audit, w.clock);
    const complete = new CompleteDelegationUseCase(w.store, w.connectors, w.vault, tokenSource, w.provider, fingerprinter, w.audit, w.clock);
    /** The binding each link was started with, by state: what the starting browser's cookie holds. */
    const bindings = new Map<string, string>();
    const link = async (loginHint = '') => {
      const started = await start.execute({ orgId: ORG, connectorId: connector.id, loginHint, caller: CALLER });
      bindings.set(new URL(started.authorizationUrl).searchParams.get('state') ?? '', started.browserBinding);
      return started.authorizationUrl;
    };
    /** Answers in the browser that started the link, unless another binding is given. */
    const answer = (query: string, browserBinding = bindings.get(new URLSearchParams(query).get('state') ?? '') ?? '') => complete.execute({ query, browserBinding, source: SOURCE });
    return { ...w, connector, link, answer, bindings };
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.catch((e: unknown) => e);
    if (!(err instanceof OnboardingRefusedError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err.reason;
  };

  it("stores the refresh token as the user's credential, keyed by the pseudonym from the ID token", async () => {
    const { link, answer, provider, vault, connector } = setup();
    const done = await answer(provider.signIn(await link(), ADA));
    expect(done.userCredentialCount).toBe(1);
    expect(done.connector.version).toBe(connector.version);
    expect(vault.values.get(`${connector.id}/${userCredentialField(fingerprinter.pseudonym(ADA))}`)).toBe(JSON.stringify({ refreshToken: 'rt-secret-1' }));
  });

  it('audits the grant with the pseudonym and who started it: no address, no token', async () => {
    const { link, answer, provider, audit } = setup();
    await answer(provider.signIn(await link(), ADA));
    expect(audit.entries.at(-1)).toMatchObject({ action: 'connector.delegation.granted', outcome: 'success', actor: { kind: 'anonymous' }, detail: { subject: fingerprinter.pseudonym(ADA), startedBy: 'acct-admin' } });
    const text = JSON.stringify(audit.entries);
    expect(text).not.toContain('ada.lovelace');
    expect(text).not.toContain('rt-secret-1');
  });

  it("keeps one grant per user: a second user's grant is stored beside the first", async () => {
    const { link, answer, provider } = setup();
    await answer(provider.signIn(await link(), ADA));
    provider.refreshToken = 'rt-secret-2';
    expect((await answer(provider.signIn(await link(), BOB))).userCredentialCount).toBe(2);
  });

  it('refuses a grant by another account than the one the link was made for, storing nothing', async () => {
    const { link, answer, provider, vault, audit } = setup();
    expect(await refusal(answer(provider.signIn(await link(ADA), BOB)))).toBe('account-mismatch');
    expect(vault.values.size).toBe(0);
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'account-mismatch', subject: fingerprinter.pseudonym(BOB) } });
  });

  describe('browser binding', () => {
    const stateOf = (url: string) => new URL(url).searchParams.get('state') ?? '';

    it.each([
      ['without a binding', '', 'missing'],
      ["with another flow's binding", 'other', 'mismatch'],
      ['with a binding that only starts like the right one', 'prefix', 'mismatch'],
    ])('refuses a callback %s before reading the answer, spends the state and audits the refusal', async (_what, kind, detail) => {
      const { link, answer, provider, vault, audit, bindings } = setup();
      const url = await link();
      const other = await link();
      const right = bindings.get(stateOf(url)) ?? '';
      const given = kind === 'other' ? (bindings.get(stateOf(other)) ?? '') : kind === 'prefix' ? right.slice(0, 42) : '';
      const query = provider.signIn(url, ADA);
      expect(await refusal(answer(query, given))).toBe('other-browser');
      expect(vault.values.size).toBe(0);
      expect(audit.entries.at(-1)).toMatchObject({ action: 'connector.delegation.granted', outcome: 'denied', detail: { reason: 'other-browser', binding: detail } });
      expect(JSON.stringify(audit.entries)).not.toContain(right);
      // Spent: not even the right browser can use it now.
      expect(await refusal(answer(query, right))).toBe('expired-or-used');
    });

    it('refuses a declined answer from another browser as another browser, not as declined', async () => {
      const { link, answer } = setup();
      const url = await link();
      expect(await refusal(answer(`error=access_denied&state=${stateOf(url)}`, 'x'.repeat(43)))).toBe('other-browser');
    });

    it('refuses a flow stored without a binding (before bindings existed), whatever the callback brings', async () => {
      const { link, answer, provider, store, audit } = setup();
      const url = await link();
      for (const [hash, row] of store.rows) store.rows.set(hash, { ...row, bindingHash: null });
      expect(await refusal(answer(provider.signIn(url, ADA)))).toBe('other-browser');
      expect(audit.entries.at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'other-browser', binding: 'unbound' } });
    });

    it('refuses an oversized binding unhashed', async () => {
      const { link, answer, provider } = setup();
      expect(await refusal(answer(provider.signIn(await link(), ADA), 'b'.repeat(10_000)))).toBe('other-browser');
    });
  });

  it('refuses a replayed callback: the state is single use', async () => {
    const { link, answer, provider } = setup();
    const query = provider.signIn(await link(), ADA);
    await answer(query);
    expect(await refusal(answer(query))).toBe('expired-or-used');
  });

  it('refuses the state of a consent flow at the delegation callback, and spends it', async () => {
    const w = setup();
    const consent = await new StartConsentUseCase(w.store, w.app, w.audit, w.clock).execute({ orgId: ORG, name: 'C', workloads: ['mail'], projectTag: '', caller: CALLER });
    const state = new URL(consent.consentUrl).searchParams.get('state') ?? '';
    expect(await refusal(w.answer(`state=${state}&code=anything`))).toBe('wrong-flow');
    expect(w.audit.entries.at(-1)).toMatchObject({ action: 'connector.delegation.granted', outcome: 'denied', detail: { reason: 'wrong-flow', startedAs: 'consent' } });
    const completeConsent = new CompleteConsentUseCase(w.store, w.app, w.connectors, w.audit, w.clock);
    expect(await refusal(completeConsent.execute({ query: `admin_consent=True&tenant=x&state=${state}`, source: SOURCE }))).toBe('expired-or-used');
  });

  it('spends the state when the user declines', async () => {
    const { link, answer } = setup();
    const state = new URL(await link()).searchParams.get('state') ?? '';
    expect(await refusal(answer(`error=access_denied&state=${state}`))).toBe('declined');
    expect(await refusal(answer(`code=x&state=${state}`))).toBe('expired-or-used');
  });

  it('refuses a callback without a code', async () => {
    const { link, answer } = setup();
    const state = new URL(await link()).searchParams.get('state') ?? '';
    expect(await refusal(answer(`state=${state}`))).toBe('invalid-callback');
  });

  it('passes on a refused code (wrong verifier) as the provider error, audited as a failure', async () => {
    const { link, answer, provider, audit } = setup();
    const query = provider.signIn(await link(), ADA).replace(/code=code-1/, 'code=code-forged');
    await expect(answer(query)).rejects.toBeInstanceOf(ProviderError);
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'failure', detail: { reason: 'provider', code: 'invalid-grant' } });
  });

  it('refuses a grant without offline access', async () => {
    const { link, answer, provider, vault } = setup();
    provider.refreshToken = undefined;
    expect(await refusal(answer(provider.signIn(await link(), ADA)))).toBe('no-refresh-token');
    expect(vault.values.size).toBe(0);
  });

  it('stores the grant on the connector as it is after a concurrent change', async () => {
    const { link, answer, provider, connectors, connector } = setup();
    const query = provider.signIn(await link(), ADA);
    connectors.rows.set(connector.id, { ...connector, name: 'renamed', version: connector.version + 1 });
    expect((await answer(query)).connector).toMatchObject({ name: 'renamed', version: connector.version + 1 });
  });
});
