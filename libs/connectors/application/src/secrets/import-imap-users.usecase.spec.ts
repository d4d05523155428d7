import { type ConnectorSettings, userCredentialField } from '@ferry/connectors/domain';
import {
  aCaller,
  aConnector,
  createConnectorFakes,
  imapSettings,
  microsoftSettings,
} from '@ferry/connectors/testing';
import { AuditUnavailableError, ConnectorStateError } from '../connectors.errors';
import { ImportImapUsersUseCase } from './import-imap-users.usecase';

const CSV = [
  'address,username,password',
  'Planted.Alice@Contoso.com,alice-login,planted-pw-a',
  'planted.bob@contoso.com,bob-login,planted-pw-b',
].join('\n');

function setup(settings: ConnectorSettings = imapSettings()) {
  const f = createConnectorFakes();
  const previous = userCredentialField(f.fingerprinter.pseudonym('planted.carol@contoso.com'));
  const connector = f.seed(aConnector({ settings, workloads: ['mail'], version: 3 }), {
    [previous]: JSON.stringify({ username: 'carol-login', password: 'planted-pw-c' }),
  });
  const useCase = new ImportImapUsersUseCase(f.connectors, f.vault, f.fingerprinter, f.audit, f.clock);
  const input = {
    orgId: connector.orgId,
    connectorId: connector.id,
    csv: CSV,
    replace: false,
    caller: aCaller(),
  };
  const fields = () => [...f.store.secrets(connector.orgId, connector.id).keys()].sort();
  return { f, connector, useCase, input, previous, fields };
}

describe('ImportImapUsersUseCase', () => {
  it("seals each user's login under the pseudonym of the normalised address, and audits the row count", async () => {
    const { f, connector, useCase, input, previous, fields } = setup();
    expect(await useCase.execute(input)).toEqual({ imported: 2, errors: [], total: 3 });
    const alice = userCredentialField(f.fingerprinter.pseudonym('planted.alice@contoso.com'));
    const bob = userCredentialField(f.fingerprinter.pseudonym('planted.bob@contoso.com'));
    expect(fields()).toEqual([alice, bob, previous].sort());
    expect(JSON.parse(f.store.secrets(connector.orgId, connector.id).get(alice)?.value ?? '')).toEqual({
      username: 'alice-login',
      password: 'planted-pw-a',
    });
    // One user's credential is that user's business: the connector's version (other tokens' cache key) stays.
    expect(f.store.connector(connector.orgId, connector.id)).toMatchObject({ version: connector.version, status: 'active' });
    expect(f.audit.entries.map((e) => [e.action, e.detail])).toEqual([
      ['connector.imap_users.imported', { rows: '2', replace: 'false' }],
    ]);
  });

  it('never stores an address in clear, nor audits one', async () => {
    const { f, useCase, input } = setup();
    await useCase.execute(input);
    expect(f.store.dump().toLowerCase()).not.toContain('planted.alice');
    expect(f.store.dump()).not.toContain('@contoso.com');
    expect(JSON.stringify(f.audit.entries)).not.toMatch(/planted/i);
  });

  it('with replace, the list replaces every earlier user credential', async () => {
    const { useCase, input, previous, fields } = setup();
    expect(await useCase.execute({ ...input, replace: true })).toMatchObject({ imported: 2, total: 2 });
    expect(fields()).not.toContain(previous);
  });

  it('a file with any error stores nothing and answers the errors and the current total', async () => {
    const { f, connector, useCase, input, previous, fields } = setup();
    const csv = `${CSV}\nnot-an-address,x,planted-pw-x`;
    expect(await useCase.execute({ ...input, csv, replace: true })).toEqual({
      imported: 0,
      errors: [{ line: 4, reason: 'address is not a mail address' }],
      total: 1,
    });
    expect(fields()).toEqual([previous]);
    expect(f.store.connector(connector.orgId, connector.id)).toEqual(connector);
    expect(f.audit.attempts).toBe(0);
  });

  it.each([
    ['a master-user IMAP connector', imapSettings({ auth: 'master-user', masterUser: 'master' })],
    ['a Microsoft 365 connector', microsoftSettings()],
  ])('refuses a user list for %s', async (_label, settings) => {
    const { f, useCase, input } = setup(settings);
    await expect(useCase.execute(input)).rejects.toBeInstanceOf(ConnectorStateError);
    expect(f.store.commits).toBe(0);
  });

  it('when the audit record cannot be stored, it fails with AuditUnavailableError and nothing is imported', async () => {
    const { f, connector, useCase, input, previous, fields } = setup();
    f.audit.failing = true;
    await expect(useCase.execute({ ...input, replace: true })).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(fields()).toEqual([previous]);
    expect(f.store.connector(connector.orgId, connector.id)?.version).toBe(3);
  });
});
