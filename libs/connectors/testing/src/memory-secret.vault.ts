import type { BeforeCommit, Clock, SecretInput, SecretVault } from '@ferry/connectors/application';
import { type Connector, isUserCredentialField, type SecretMetadata } from '@ferry/connectors/domain';
import type { MemoryConnectorStore } from './memory-connector.store';

/**
 * In-memory SecretVault with the TypeORM vault's contract: writes bump the connector's version only if it
 * is still `next.version - 1`, run the before-commit step last, and roll back when it throws.
 */
export class MemorySecretVault implements SecretVault {
  /** Fields opened, in order, as `<connectorId>/<field>`. */
  readonly opened: string[] = [];

  constructor(
    private readonly store: MemoryConnectorStore,
    private readonly clock: Clock,
  ) {}

  put(next: Connector, secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<boolean> {
    return this.store.transaction(async () => {
      if (!this.bumpVersion(next)) return false;
      this.store.putSecrets(next, secrets, this.clock.now());
      await beforeCommit();
      return true;
    });
  }

  putUserCredentials(
    connector: Connector,
    entries: readonly SecretInput[],
    replaceAll: boolean,
    beforeCommit: BeforeCommit,
  ): Promise<boolean> {
    return this.store.transaction(async () => {
      const current = this.store.connector(connector.orgId, connector.id);
      if (!current || (current.status !== 'active' && current.status !== 'credentials-removed')) return false;
      // As the SQL does: an active connector keeps its version; a purged one revives with the next.
      if (current.status !== 'active') this.store.putConnector({ ...current, status: 'active', version: current.version + 1, updatedAt: this.clock.now() });
      if (replaceAll) this.store.deleteSecrets(connector.orgId, connector.id, isUserCredentialField);
      this.store.putSecrets(connector, entries, this.clock.now());
      await beforeCommit();
      return true;
    });
  }

  async open(connector: Connector, field: string): Promise<string | null> {
    const stored = this.store.secrets(connector.orgId, connector.id).get(field);
    if (!stored) return null;
    this.opened.push(`${connector.id}/${field}`);
    this.store.putSecret(connector.orgId, connector.id, field, { ...stored, lastUsedAt: this.clock.now() });
    return stored.value;
  }

  async replace(connector: Connector, field: string, value: string, previous: string): Promise<boolean> {
    const stored = this.store.secrets(connector.orgId, connector.id).get(field);
    if (!stored || stored.value !== previous) return false;
    this.store.putSecret(connector.orgId, connector.id, field, { ...stored, value, createdAt: this.clock.now() });
    return true;
  }

  async metadata(orgId: string, connectorId: string): Promise<SecretMetadata[]> {
    return [...this.store.secrets(orgId, connectorId)]
      .filter(([field]) => !isUserCredentialField(field))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([field, s]) => ({
        field,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
        lastUsedAt: s.lastUsedAt,
        fingerprint: `fp:${field}`,
      }));
  }

  async countUserCredentials(orgId: string, connectorId: string): Promise<number> {
    return [...this.store.secrets(orgId, connectorId).keys()].filter(isUserCredentialField).length;
  }

  async countUserCredentialsOlderThan(orgId: string, connectorId: string, before: Date): Promise<number> {
    return [...this.store.secrets(orgId, connectorId)].filter(([field, s]) => isUserCredentialField(field) && s.createdAt.getTime() < before.getTime()).length;
  }

  async sampleUserCredentials(orgId: string, connectorId: string, limit: number): Promise<string[]> {
    return [...this.store.secrets(orgId, connectorId).keys()]
      .filter(isUserCredentialField)
      .sort()
      .slice(0, limit);
  }

  purge(connectors: readonly Connector[], beforeCommit: BeforeCommit): Promise<number> {
    if (connectors.length === 0) return Promise.resolve(0);
    return this.store.transaction(async () => {
      let deleted = 0;
      for (const c of connectors) {
        deleted += this.store.deleteSecrets(c.orgId, c.id);
        const current = this.store.connector(c.orgId, c.id);
        if (current)
          this.store.putConnector({
            ...current,
            status: 'credentials-removed',
            version: c.version + 1,
            updatedAt: this.clock.now(),
          });
      }
      await beforeCommit();
      return deleted;
    });
  }

  private bumpVersion(next: Connector): boolean {
    const current = this.store.connector(next.orgId, next.id);
    if (!current || current.version !== next.version - 1) return false;
    this.store.putConnector(next);
    return true;
  }
}
