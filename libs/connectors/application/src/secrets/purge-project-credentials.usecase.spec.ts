import { aCaller, aConnector, createConnectorFakes } from '@ferry/connectors/testing';
import { AuditUnavailableError, InvalidCommandError } from '../connectors.errors';
import { PurgeProjectCredentialsUseCase } from './purge-project-credentials.usecase';

function setup() {
  const f = createConnectorFakes();
  const a = f.seed(aConnector({ projectTag: 'wave-1', version: 2 }), {
    'client-secret': 's',
    'user/u_aaaaaaaaaaaaaaaaaaaa': '{}',
  });
  const b = f.seed(aConnector({ orgId: a.orgId, projectTag: 'wave-1' }), { 'client-secret': 's' });
  const otherTag = f.seed(aConnector({ orgId: a.orgId, projectTag: 'wave-2' }), { 'client-secret': 's' });
  const otherOrg = f.seed(aConnector({ projectTag: 'wave-1' }), { 'client-secret': 's' });
  const useCase = new PurgeProjectCredentialsUseCase(f.connectors, f.vault, f.audit);
  return { f, a, b, otherTag, otherOrg, useCase };
}

describe('PurgeProjectCredentialsUseCase', () => {
  it("deletes every secret of the project's connectors in the organisation, keeps the connectors as credentials-removed, and audits each", async () => {
    const { f, a, b, otherTag, otherOrg, useCase } = setup();
    expect(await useCase.execute({ orgId: a.orgId, projectTag: 'wave-1', caller: aCaller() })).toEqual({
      connectors: 2,
      secretsDeleted: 3,
    });
    for (const c of [a, b]) {
      expect(f.store.secrets(c.orgId, c.id).size).toBe(0);
      expect(f.store.connector(c.orgId, c.id)).toMatchObject({
        status: 'credentials-removed',
        version: c.version + 1,
      });
    }
    for (const c of [otherTag, otherOrg]) expect(f.store.secrets(c.orgId, c.id).size).toBe(1);
    expect(f.audit.entries.map((e) => [e.action, e.connectorId, e.detail])).toEqual([
      ['connector.credentials.purged', a.id, { project: 'wave-1' }],
      ['connector.credentials.purged', b.id, { project: 'wave-1' }],
    ]);
  });

  it('a project without connectors purges nothing and audits nothing', async () => {
    const { f, a, useCase } = setup();
    expect(await useCase.execute({ orgId: a.orgId, projectTag: 'wave-9', caller: aCaller() })).toEqual({
      connectors: 0,
      secretsDeleted: 0,
    });
    expect(f.audit.attempts).toBe(0);
  });

  it.each(['', 'Wave 1', '../wave-1'])('refuses the project tag %j', async (projectTag) => {
    const { a, useCase } = setup();
    await expect(useCase.execute({ orgId: a.orgId, projectTag, caller: aCaller() })).rejects.toBeInstanceOf(
      InvalidCommandError,
    );
  });

  it('when the audit records cannot be stored, it fails with AuditUnavailableError and nothing is purged', async () => {
    const { f, a, b, useCase } = setup();
    f.audit.failWhen = (entry) => entry.connectorId === b.id;
    await expect(
      useCase.execute({ orgId: a.orgId, projectTag: 'wave-1', caller: aCaller() }),
    ).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(f.store.secrets(a.orgId, a.id).size).toBe(2);
    expect(f.store.connector(a.orgId, a.id)).toEqual(a);
  });
});
