import { aCaller, aConnector, createConnectorFakes } from '@ferry/connectors/testing';
import { AuditUnavailableError, ConnectorNotFoundError, InvalidCommandError } from '../connectors.errors';
import { DeleteConnectorUseCase } from './delete-connector.usecase';

function setup() {
  const f = createConnectorFakes();
  const connector = f.seed(aConnector(), {
    'client-secret': 'planted-secret',
    'user/u_aaaaaaaaaaaaaaaaaaaa': '{}',
  });
  const useCase = new DeleteConnectorUseCase(f.connectors, f.audit);
  return { f, connector, useCase };
}

describe('DeleteConnectorUseCase', () => {
  it('deletes the connector and every secret of it, returns how many secrets went, and audits it', async () => {
    const { f, connector, useCase } = setup();
    const caller = aCaller();
    expect(await useCase.execute({ orgId: connector.orgId, connectorId: connector.id, caller })).toBe(2);
    expect(f.store.connector(connector.orgId, connector.id)).toBeUndefined();
    expect(f.store.secrets(connector.orgId, connector.id).size).toBe(0);
    expect(f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'connector.deleted',
        connectorId: connector.id,
        actor: { kind: 'account', id: caller.accountId },
        detail: { kind: 'microsoft-365' },
      }),
    ]);
  });

  it("another organisation's connector is not found and nothing is deleted", async () => {
    const { f, connector, useCase } = setup();
    await expect(
      useCase.execute({ orgId: aConnector().orgId, connectorId: connector.id, caller: aCaller() }),
    ).rejects.toBeInstanceOf(ConnectorNotFoundError);
    expect(f.store.secrets(connector.orgId, connector.id).size).toBe(2);
    expect(f.audit.attempts).toBe(0);
  });

  it('when the audit record cannot be stored, it fails with AuditUnavailableError and the connector and its secrets remain', async () => {
    const { f, connector, useCase } = setup();
    f.audit.failing = true;
    await expect(
      useCase.execute({ orgId: connector.orgId, connectorId: connector.id, caller: aCaller() }),
    ).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(f.store.connector(connector.orgId, connector.id)).toEqual(connector);
    expect(f.store.secrets(connector.orgId, connector.id).get('client-secret')?.value).toBe('planted-secret');
  });

  it('refuses ids that are not UUIDs', async () => {
    const { useCase } = setup();
    await expect(
      useCase.execute({ orgId: "1' OR '1'='1", connectorId: 'x', caller: aCaller() }),
    ).rejects.toBeInstanceOf(InvalidCommandError);
  });
});
