import type { Connector } from '@ferry/connectors/domain';
import type { ConnectorAuditEntry, ConnectorAuditTrail, ConnectorRepository } from './connector.ports';
import { CreateConnectorCommand, InvalidCommandError } from './create-connector.command';
import { AuditUnavailableError, CreateConnectorUseCase } from './create-connector.usecase';

class MemoryRepository implements ConnectorRepository {
  readonly rows = new Map<string, { connector: Connector; secret: string }>();
  async insertWithSecret(connector: Connector, secret: string) {
    this.rows.set(connector.id, { connector, secret });
  }
  async remove(_org: string, id: string) {
    this.rows.delete(id);
  }
  async listByOrg(orgId: string) {
    return [...this.rows.values()].map((r) => r.connector).filter((c) => c.orgId === orgId);
  }
}

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const command = () =>
  CreateConnectorCommand.create({ orgId: ORG, name: ' Contoso ', kind: 'microsoft-365', secret: 'client-secret-value', actorId: 'acct-1' });

describe('creating a connector', () => {
  it('stores the connector, fingerprints the secret and records an audit entry', async () => {
    const repo = new MemoryRepository();
    const entries: ConnectorAuditEntry[] = [];
    const audit: ConnectorAuditTrail = { record: async (e) => void entries.push(e) };
    const created = await new CreateConnectorUseCase(repo, { fingerprint: () => 'fp-1' }, audit).execute(command());
    expect(created).toMatchObject({ orgId: ORG, name: 'Contoso', kind: 'microsoft-365', secretFingerprint: 'fp-1' });
    expect(repo.rows.get(created.id)?.secret).toBe('client-secret-value');
    expect(entries).toEqual([expect.objectContaining({ action: 'connector.created', connectorId: created.id, actorId: 'acct-1' })]);
    expect(JSON.stringify(entries)).not.toContain('client-secret-value');
  });

  it('undoes the change and refuses it when the audit record cannot be stored', async () => {
    const repo = new MemoryRepository();
    const audit: ConnectorAuditTrail = { record: async () => Promise.reject(new Error('stream down')) };
    await expect(new CreateConnectorUseCase(repo, { fingerprint: () => 'fp' }, audit).execute(command())).rejects.toBeInstanceOf(
      AuditUnavailableError,
    );
    expect(repo.rows.size).toBe(0);
  });

  it('refuses an invalid command before touching anything, listing every field', () => {
    try {
      CreateConnectorCommand.create({ orgId: 'not-a-uuid', name: '', kind: undefined, secret: 'topsecret', actorId: 'a' });
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidCommandError);
      expect((err as InvalidCommandError).violations.map((v) => v.field)).toEqual(['orgId', 'name', 'kind']);
      expect((err as Error).message).not.toContain('topsecret');
    }
  });
});
