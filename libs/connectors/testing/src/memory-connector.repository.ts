import type { BeforeCommit, Clock, ConnectorRepository, SecretInput } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import type { MemoryConnectorStore } from './memory-connector.store';

/**
 * In-memory ConnectorRepository with the TypeORM repository's contract: each change is one transaction
 * whose before-commit step runs last, and a step that throws rolls the whole change back.
 */
export class MemoryConnectorRepository implements ConnectorRepository {
  constructor(
    private readonly store: MemoryConnectorStore,
    private readonly clock: Clock,
  ) {}

  insert(connector: Connector, secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<void> {
    return this.store.transaction(async () => {
      if (this.store.connector(connector.orgId, connector.id))
        throw new Error('duplicate key value violates unique constraint');
      this.store.putConnector(connector);
      this.store.putSecrets(connector, secrets, this.clock.now());
      await beforeCommit();
    });
  }

  async get(orgId: string, id: string): Promise<Connector | null> {
    return this.store.connector(orgId, id) ?? null;
  }

  async list(orgId: string): Promise<Connector[]> {
    return this.store.connectors().filter((c) => c.orgId === orgId);
  }

  async listByProject(orgId: string, projectTag: string): Promise<Connector[]> {
    return this.store.connectors().filter((c) => c.orgId === orgId && c.projectTag === projectTag);
  }

  update(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<boolean> {
    return this.store.transaction(async () => {
      const current = this.store.connector(next.orgId, next.id);
      // The real UPDATE ... WHERE version = expected touches no row: no audit, nothing written.
      if (!current || current.version !== expectedVersion) return false;
      this.store.putConnector(next);
      await beforeCommit();
      return true;
    });
  }

  delete(orgId: string, id: string, beforeCommit: BeforeCommit): Promise<number | null> {
    return this.store.transaction(async () => {
      const secrets = this.store.deleteSecrets(orgId, id);
      if (!this.store.deleteConnector(orgId, id)) return null;
      await beforeCommit();
      return secrets;
    });
  }
}
