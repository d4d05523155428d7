import { type ImapSettings, userCredentialField } from '@ferry/connectors/domain';
import { aConnector, createConnectorFakes, imapSettings, microsoftSettings } from '@ferry/connectors/testing';
import {
  AuditUnavailableError,
  BrokerDeniedError,
  ConnectorStateError,
  InvalidCommandError,
  ServiceNotAuthenticatedError,
} from '../connectors.errors';
import { IssueImapLoginUseCase } from './issue-imap-login.usecase';

const ALICE = 'planted.alice@contoso.com';
const MASTER_PW = 'planted-master-password';

function setup(
  settings: ImapSettings | ReturnType<typeof microsoftSettings> = imapSettings(),
  secrets: (pseudonym: (a: string) => string) => Record<string, string> = () => ({}),
) {
  const f = createConnectorFakes();
  const connector = f.seed(
    aConnector({ settings, workloads: ['mail'], version: 7 }),
    secrets((a) => userCredentialField(f.fingerprinter.pseudonym(a))),
  );
  const useCase = new IssueImapLoginUseCase(f.authenticator, f.connectors, f.vault, f.fingerprinter, f.audit);
  const migration = f.authenticator.trust('migration');
  const input = (o: Partial<{ serviceToken: string; subject: string }> = {}) => ({
    serviceToken: migration,
    orgId: connector.orgId,
    connectorId: connector.id,
    subject: ALICE,
    ...o,
  });
  return { f, connector, useCase, input };
}

const masterUser = () =>
  setup(imapSettings({ auth: 'master-user', masterUser: 'dovecot-master' }), () => ({
    'master-password': MASTER_PW,
  }));
const perUser = () =>
  setup(imapSettings(), (field) => ({
    [field(ALICE)]: JSON.stringify({ username: 'alice-login', password: 'planted-alice-pw' }),
  }));

describe('IssueImapLoginUseCase', () => {
  it('a master-user connector logs in as <user>*<master> with the master password, audited by pseudonym', async () => {
    const { f, connector, useCase, input } = masterUser();
    expect(await useCase.execute(input({ subject: ` ${ALICE.toUpperCase()} ` }))).toEqual({
      server: connector.settings,
      username: `${ALICE}*dovecot-master`,
      password: MASTER_PW,
      connectorVersion: 7,
    });
    expect(f.audit.entries.map((e) => [e.action, e.outcome, e.actor.id, e.detail])).toEqual([
      [
        'connector.imap_login.issued',
        'success',
        'migration',
        { subject: f.fingerprinter.pseudonym(ALICE), auth: 'master-user' },
      ],
    ]);
  });

  it("uses the connector's master separator", async () => {
    const { useCase, input } = setup(
      imapSettings({ auth: 'master-user', masterUser: 'admin', masterSeparator: '%' }),
      () => ({ 'master-password': MASTER_PW }),
    );
    expect((await useCase.execute(input())).username).toBe(`${ALICE}%admin`);
  });

  it("a per-user connector hands over the login sealed under the normalised address's pseudonym", async () => {
    const { f, connector, useCase, input } = perUser();
    expect(await useCase.execute(input({ subject: 'Planted.Alice@Contoso.COM' }))).toMatchObject({
      username: 'alice-login',
      password: 'planted-alice-pw',
    });
    expect(f.vault.opened).toEqual([
      `${connector.id}/${userCredentialField(f.fingerprinter.pseudonym(ALICE))}`,
    ]);
  });

  it('a mailbox without a stored login is refused', async () => {
    const { useCase, input } = perUser();
    await expect(useCase.execute(input({ subject: 'planted.bob@contoso.com' }))).rejects.toBeInstanceOf(
      ConnectorStateError,
    );
  });

  it.each([
    'planted-not-json',
    '{"username":"alice-login"}',
    '["planted"]',
    'null',
    '{"username":"a","password":7}',
  ])('a stored login that is unreadable (%j) is refused without quoting it', async (stored) => {
    const { f, useCase, input } = setup(imapSettings(), (field) => ({ [field(ALICE)]: stored }));
    const err = await useCase.execute(input()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorStateError);
    expect((err as Error).message).not.toMatch(/planted|alice-login/);
    expect(f.audit.attempts).toBe(0);
  });

  it('a master-user connector without its password is refused', async () => {
    const { useCase, input } = setup(imapSettings({ auth: 'master-user', masterUser: 'm' }));
    await expect(useCase.execute(input())).rejects.toBeInstanceOf(ConnectorStateError);
  });

  it('needs the mailbox address', async () => {
    const { useCase, input } = masterUser();
    await expect(useCase.execute(input({ subject: '  ' }))).rejects.toBeInstanceOf(InvalidCommandError);
    await expect(useCase.execute(input({ subject: 'alice' }))).rejects.toBeInstanceOf(InvalidCommandError);
  });

  it('refuses an untrusted service', async () => {
    const { f, useCase, input } = masterUser();
    await expect(useCase.execute(input({ serviceToken: 'forged' }))).rejects.toBeInstanceOf(
      ServiceNotAuthenticatedError,
    );
    expect(f.vault.opened).toEqual([]);
  });

  it.each(['freebusy', 'mailrouting'])(
    'refuses %s (no IMAP grant) and audits the denial',
    async (service) => {
      const { f, useCase, input } = masterUser();
      await expect(
        useCase.execute(input({ serviceToken: f.authenticator.trust(service) })),
      ).rejects.toBeInstanceOf(BrokerDeniedError);
      expect(f.vault.opened).toEqual([]);
      expect(f.audit.entries.map((e) => [e.action, e.outcome])).toEqual([
        ['connector.token.denied', 'denied'],
      ]);
    },
  );

  it('refuses a connector that is not IMAP', async () => {
    const { f, useCase, input } = setup(microsoftSettings(), () => ({ 'client-secret': 'planted-secret' }));
    await expect(useCase.execute(input())).rejects.toBeInstanceOf(BrokerDeniedError);
    expect(f.vault.opened).toEqual([]);
  });

  it('when the handover cannot be audited, no login is handed out', async () => {
    const { f, useCase, input } = perUser();
    f.audit.failing = true;
    const err = await useCase.execute(input()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditUnavailableError);
    expect(JSON.stringify(err) + (err as Error).message).not.toContain('planted');
  });

  it('never puts the address or a password in an audit record', async () => {
    const { f, useCase, input } = masterUser();
    await useCase.execute(input());
    await useCase.execute(input({ serviceToken: f.authenticator.trust('freebusy') })).catch(() => undefined);
    expect(JSON.stringify(f.audit.entries)).not.toContain('planted');
  });
});
