import type { Connector } from '@ferry/connectors/domain';
import {
  aConnector,
  createConnectorFakes,
  FAKE_SCOPES,
  googleSettings,
  imapSettings,
  microsoftSettings,
} from '@ferry/connectors/testing';
import {
  AuditUnavailableError,
  BrokerDeniedError,
  ConnectorNotFoundError,
  ConnectorStateError,
  InvalidCommandError,
  ServiceNotAuthenticatedError,
} from '../connectors.errors';
import { type IssueTokenInput, IssueTokenUseCase } from './issue-token.usecase';
import { TokenCache } from './token-cache';

const SECRET = 'planted-client-secret';
const ALICE = 'planted.alice@contoso.com';

function setup(
  connector: Connector = aConnector({ workloads: ['mail', 'calendar', 'directory', 'freebusy'] }),
) {
  const f = createConnectorFakes();
  f.seed(connector, {
    'client-secret': SECRET,
    'service-account-key': SECRET,
    'admin-user': 'planted-admin@contoso.com',
  });
  const cache = new TokenCache(f.clock);
  const useCase = new IssueTokenUseCase(
    f.authenticator,
    f.connectors,
    f.vault,
    f.tokens,
    f.fingerprinter,
    f.audit,
    cache,
  );
  const migration = f.authenticator.trust('migration');
  const freebusy = f.authenticator.trust('freebusy');
  const input = (o: Partial<IssueTokenInput> = {}): IssueTokenInput => ({
    serviceToken: migration,
    orgId: connector.orgId,
    connectorId: connector.id,
    scopes: [FAKE_SCOPES.mail],
    subject: '',
    ...o,
  });
  return { f, connector, cache, useCase, migration, freebusy, input };
}

describe('IssueTokenUseCase', () => {
  describe('who may ask', () => {
    it('refuses a service whose assertion is not trusted, before reading anything', async () => {
      const { f, useCase, input } = setup();
      await expect(useCase.execute(input({ serviceToken: 'forged' }))).rejects.toBeInstanceOf(
        ServiceNotAuthenticatedError,
      );
      expect(f.tokens.requests).toEqual([]);
      expect(f.audit.attempts).toBe(0);
    });

    it.each(['gateway', 'identity', '__proto__', 'constructor', 'toString'])(
      'refuses the authenticated service %j, which has no grant',
      async (service) => {
        const { f, useCase, input } = setup();
        const err = await useCase
          .execute(input({ serviceToken: f.authenticator.trust(service) }))
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BrokerDeniedError);
        expect(f.tokens.requests).toEqual([]);
      },
    );

    it('refuses a kind the service may not use, and audits the denial', async () => {
      const imap = aConnector({ settings: imapSettings(), workloads: ['mail'] });
      const { f, useCase, input, freebusy } = setup(imap);
      await expect(useCase.execute(input({ serviceToken: freebusy, scopes: [] }))).rejects.toEqual(
        new BrokerDeniedError('service freebusy may not use imap connectors'),
      );
      expect(f.audit.entries.map((e) => [e.action, e.outcome, e.actor, e.connectorId])).toEqual([
        ['connector.token.denied', 'denied', { kind: 'service', id: 'freebusy' }, imap.id],
      ]);
    });

    it('refuses tokens for an IMAP connector even to a service allowed IMAP (it issues logins)', async () => {
      const { f, useCase, input } = setup(aConnector({ settings: imapSettings(), workloads: ['mail'] }));
      await expect(useCase.execute(input({ subject: ALICE }))).rejects.toEqual(new BrokerDeniedError('IMAP connectors issue logins, not tokens'));
      expect(f.tokens.requests).toEqual([]);
      expect(f.audit.entries.map((e) => [e.action, e.outcome])).toEqual([['connector.token.denied', 'denied']]);
    });

    it("another organisation's connector is not found", async () => {
      const { useCase, input } = setup();
      await expect(useCase.execute(input({ orgId: aConnector().orgId }))).rejects.toBeInstanceOf(
        ConnectorNotFoundError,
      );
    });

    it.each(['pending-consent', 'credentials-removed'] as const)(
      'a %s connector issues nothing',
      async (status) => {
        const { f, useCase, input } = setup(aConnector({ status }));
        await expect(useCase.execute(input())).rejects.toBeInstanceOf(ConnectorStateError);
        expect(f.tokens.requests).toEqual([]);
      },
    );

    it('refuses ids that are not UUIDs, and more than 32 scopes or an empty one', async () => {
      const { useCase, input } = setup();
      await expect(useCase.execute(input({ connectorId: 'connector-1' }))).rejects.toBeInstanceOf(
        InvalidCommandError,
      );
      await expect(
        useCase.execute(input({ scopes: Array.from({ length: 33 }, (_, i) => `s${i}`) })),
      ).rejects.toBeInstanceOf(InvalidCommandError);
      await expect(useCase.execute(input({ scopes: [''] }))).rejects.toBeInstanceOf(InvalidCommandError);
    });
  });

  describe('what it may have: the connector workloads the service grant also lists', () => {
    it('issues a token for scopes inside both, audited with the scopes and expiry', async () => {
      const { f, connector, useCase, input } = setup();
      const issued = await useCase.execute(input({ scopes: [FAKE_SCOPES.mail, FAKE_SCOPES.directory] }));
      expect(issued).toMatchObject({
        connectorVersion: connector.version,
        cached: false,
        token: { accessToken: 'fake-access-token-1' },
      });
      expect(f.tokens.requests).toEqual([
        {
          connectorId: connector.id,
          request: { scopes: ['fake.directory', 'fake.mail'], subject: null, subjectPseudonym: null },
        },
      ]);
      expect(f.audit.entries).toEqual([
        expect.objectContaining({
          action: 'connector.token.issued',
          outcome: 'success',
          actor: { kind: 'service', id: 'migration' },
          detail: { scopes: 'fake.directory fake.mail', expiresAt: issued.token.expiresAt.toISOString() },
        }),
      ]);
    });

    it('without scopes, asks for every scope of that intersection', async () => {
      const { f, useCase, input, freebusy } = setup();
      await useCase.execute(input({ scopes: [] }));
      await useCase.execute(input({ serviceToken: freebusy, scopes: [] }));
      expect(f.tokens.requests.map((r) => r.request.scopes)).toEqual([
        ['fake.calendar', 'fake.directory', 'fake.mail'],
        ['fake.directory', 'fake.freebusy'],
      ]);
    });

    it.each([
      ['a workload the connector has but the grant lacks', 'migration', FAKE_SCOPES.freebusy],
      ['a workload the grant has but the connector lacks', 'migration', FAKE_SCOPES.files],
      ['a workload neither has', 'freebusy', FAKE_SCOPES.mail],
      ['an unknown scope', 'migration', 'https://graph.microsoft.com/.default'],
    ])('refuses %s, and audits the denial', async (_label, service, scope) => {
      const { f, useCase, input } = setup();
      const err = await useCase
        .execute(
          input({ serviceToken: f.authenticator.trust(service), scopes: [FAKE_SCOPES.directory, scope] }),
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BrokerDeniedError);
      expect(f.tokens.requests).toEqual([]);
      expect(f.audit.entries.map((e) => [e.action, e.outcome, e.detail])).toEqual([
        ['connector.token.denied', 'denied', { reason: 'scope' }],
      ]);
    });

    it('refuses when the intersection is empty', async () => {
      const { f, useCase, input } = setup(aConnector({ workloads: ['files'] }));
      await expect(
        useCase.execute(input({ serviceToken: f.authenticator.trust('mailrouting'), scopes: [] })),
      ).rejects.toEqual(new BrokerDeniedError('no workload of this connector is open to mailrouting'));
    });

    it('a denial still stands when its audit record cannot be stored', async () => {
      const { f, useCase, input } = setup();
      f.audit.failing = true;
      await expect(useCase.execute(input({ scopes: [FAKE_SCOPES.files] }))).rejects.toBeInstanceOf(
        BrokerDeniedError,
      );
    });
  });

  describe('cache and audit', () => {
    it('500 concurrent requests make one call to the tenant and one audit record', async () => {
      const { f, useCase, input } = setup();
      let release!: () => void;
      f.tokens.gate = new Promise((resolve) => (release = resolve));
      const all = Promise.all(Array.from({ length: 500 }, () => useCase.execute(input())));
      release();
      const results = await all;
      expect(new Set(results.map((r) => r.token.accessToken)).size).toBe(1);
      expect(f.tokens.requests).toHaveLength(1);
      expect(f.audit.withAction('connector.token.issued')).toHaveLength(1);
    });

    it('audits each token once per service: again for another service and for the next token', async () => {
      const { f, useCase, input, freebusy } = setup();
      await useCase.execute(input({ scopes: [FAKE_SCOPES.directory] }));
      expect((await useCase.execute(input({ scopes: [FAKE_SCOPES.directory] }))).cached).toBe(true);
      await useCase.execute(input({ serviceToken: freebusy, scopes: [FAKE_SCOPES.directory] }));
      expect(f.tokens.requests).toHaveLength(1);
      expect(f.audit.withAction('connector.token.issued').map((e) => e.actor.id)).toEqual([
        'migration',
        'freebusy',
      ]);
      f.clock.advance(56 * 60_000);
      await useCase.execute(input({ scopes: [FAKE_SCOPES.directory] }));
      expect(f.tokens.requests).toHaveLength(2);
      expect(f.audit.withAction('connector.token.issued').map((e) => e.actor.id)).toEqual([
        'migration',
        'freebusy',
        'migration',
      ]);
    });

    it('when the handover cannot be audited, no request gets the token; once the audit is back, the cached token is handed over and audited', async () => {
      const { f, useCase, input } = setup();
      f.audit.failing = true;
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => useCase.execute(input())));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill('rejected'));
      for (const r of results)
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AuditUnavailableError);
      await expect(useCase.execute(input())).rejects.toBeInstanceOf(AuditUnavailableError);
      f.audit.failing = false;
      const issued = await useCase.execute(input());
      expect(issued).toMatchObject({ cached: true, token: { accessToken: 'fake-access-token-1' } });
      expect(f.tokens.requests).toHaveLength(1);
      expect(f.audit.withAction('connector.token.issued')).toHaveLength(1);
    });

    it('a change of the connector (a new version) is never served a token of the old one', async () => {
      const { f, connector, useCase, input } = setup();
      await useCase.execute(input());
      f.store.putConnector({ ...connector, version: connector.version + 1 });
      const issued = await useCase.execute(input());
      expect(issued).toMatchObject({
        cached: false,
        connectorVersion: connector.version + 1,
        token: { accessToken: 'fake-access-token-2' },
      });
    });

    it('a token the tenant refused is not cached: the next request asks again', async () => {
      const { f, useCase, input } = setup();
      f.tokens.failWith = new Error('tenant unreachable');
      await expect(useCase.execute(input())).rejects.toThrow('tenant unreachable');
      f.tokens.failWith = null;
      await expect(useCase.execute(input())).resolves.toMatchObject({ cached: false });
      expect(f.tokens.requests).toHaveLength(2);
      expect(f.audit.withAction('connector.token.issued')).toHaveLength(1);
    });
  });

  describe('subjects', () => {
    it('an app-only Microsoft token ignores the subject: one token for every user', async () => {
      const { f, useCase, input } = setup(
        aConnector({ settings: microsoftSettings({ auth: 'certificate' }), workloads: ['mail'] }),
      );
      f.seed(f.store.connectors()[0]!, { 'certificate-key': SECRET });
      await useCase.execute(input({ subject: ALICE }));
      await useCase.execute(input({ subject: 'planted.bob@contoso.com' }));
      await useCase.execute(input({ subject: '' }));
      expect(f.tokens.requests.map((r) => r.request)).toEqual([
        { scopes: ['fake.mail'], subject: null, subjectPseudonym: null },
      ]);
    });

    it('a delegated Microsoft token is per user, keyed by pseudonym', async () => {
      const { f, useCase, input } = setup(
        aConnector({ settings: microsoftSettings({ auth: 'delegated' }), workloads: ['mail'] }),
      );
      await useCase.execute(input({ subject: ALICE }));
      await useCase.execute(input({ subject: 'planted.bob@contoso.com' }));
      expect(f.tokens.requests.map((r) => r.request.subjectPseudonym)).toEqual([
        f.fingerprinter.pseudonym(ALICE),
        f.fingerprinter.pseudonym('planted.bob@contoso.com'),
      ]);
    });

    it('a Google subject is normalised (trimmed, lower case): one token per user however it is written', async () => {
      const { f, useCase, input } = setup(aConnector({ settings: googleSettings(), workloads: ['mail'] }));
      await useCase.execute(input({ subject: ` ${ALICE.toUpperCase()} ` }));
      await useCase.execute(input({ subject: ALICE }));
      expect(f.tokens.requests.map((r) => r.request)).toEqual([
        { scopes: ['fake.mail'], subject: ALICE, subjectPseudonym: f.fingerprinter.pseudonym(ALICE) },
      ]);
      expect(f.audit.entries[0]?.detail).toMatchObject({ subject: f.fingerprinter.pseudonym(ALICE) });
    });

    it.each([
      'not-an-address',
      'a@b@c',
      'two words@contoso.com',
      `${'a'.repeat(65)}@contoso.com`,
      `a@${'b'.repeat(250)}.com`,
      'nul\u0000@contoso.com',
      'esc\u001b@contoso.com',
      'c1\u0085@contoso.com',
    ])('refuses the subject %j', async (subject) => {
      const { useCase, input } = setup(aConnector({ settings: googleSettings(), workloads: ['mail'] }));
      await expect(useCase.execute(input({ subject }))).rejects.toBeInstanceOf(InvalidCommandError);
    });

    it('never puts the subject, a secret or the token in an audit record or an error', async () => {
      const { f, useCase, input } = setup(aConnector({ settings: googleSettings(), workloads: ['mail'] }));
      const { token } = await useCase.execute(input({ subject: ALICE }));
      const errors = await Promise.all([
        useCase.execute(input({ subject: ALICE, scopes: [FAKE_SCOPES.files] })).catch((e: unknown) => e),
        useCase.execute(input({ subject: ALICE, serviceToken: 'forged' })).catch((e: unknown) => e),
        useCase.execute(input({ subject: 'planted\u0000@contoso.com' })).catch((e: unknown) => e),
      ]);
      for (const e of errors) expect(e).toBeInstanceOf(Error);
      const seen = JSON.stringify(f.audit.entries) + errors.map((e) => (e as Error).message).join('\n');
      for (const planted of ['planted', token.accessToken, SECRET]) expect(seen).not.toContain(planted);
    });
  });
});
