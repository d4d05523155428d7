import type { SecretInput } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';

/** One stored secret. The real vault seals `value`; the fake keeps it in clear so specs can look. */
export interface StoredSecret {
  readonly value: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
}

interface State {
  connectors: Map<string, Connector>;
  secrets: Map<string, Map<string, StoredSecret>>;
}

const keyOf = (orgId: string, id: string): string => `${orgId}/${id}`;

/**
 * The tables the connector repository and the vault share (connectors, connector_secrets), with
 * transactions as the database gives them: one at a time, and everything a transaction wrote is undone
 * when its work or its before-commit step throws.
 */
export class MemoryConnectorStore {
  private state: State = { connectors: new Map(), secrets: new Map() };
  private queue: Promise<unknown> = Promise.resolve();
  /** Transactions that committed. */
  commits = 0;
  /** Transactions that were rolled back. */
  rollbacks = 0;

  /** Runs `work` as one transaction; it is rolled back, and the error rethrown, when `work` throws. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const before = this.copy();
      try {
        const result = await work();
        this.commits++;
        return result;
      } catch (err) {
        this.state = before;
        this.rollbacks++;
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  connector(orgId: string, id: string): Connector | undefined {
    return this.state.connectors.get(keyOf(orgId, id));
  }

  connectors(): Connector[] {
    return [...this.state.connectors.values()];
  }

  putConnector(connector: Connector): void {
    this.state.connectors.set(keyOf(connector.orgId, connector.id), connector);
  }

  deleteConnector(orgId: string, id: string): boolean {
    return this.state.connectors.delete(keyOf(orgId, id));
  }

  /** One connector's secrets by field (empty when it has none). */
  secrets(orgId: string, id: string): ReadonlyMap<string, StoredSecret> {
    return this.state.secrets.get(keyOf(orgId, id)) ?? new Map();
  }

  putSecret(orgId: string, id: string, field: string, secret: StoredSecret): void {
    const key = keyOf(orgId, id);
    const fields = this.state.secrets.get(key) ?? new Map<string, StoredSecret>();
    fields.set(field, secret);
    this.state.secrets.set(key, fields);
  }

  /** Stores (inserts or replaces) secrets of a connector, created at `at`. */
  putSecrets(connector: Connector, secrets: readonly SecretInput[], at: Date): void {
    for (const s of secrets)
      this.putSecret(connector.orgId, connector.id, s.field, {
        value: s.value,
        createdAt: at,
        expiresAt: s.expiresAt,
        lastUsedAt: null,
      });
  }

  /** Deletes the connector's secrets whose field matches; returns how many. */
  deleteSecrets(orgId: string, id: string, match: (field: string) => boolean = () => true): number {
    const fields = this.state.secrets.get(keyOf(orgId, id));
    if (!fields) return 0;
    let deleted = 0;
    for (const field of [...fields.keys()]) {
      if (match(field)) {
        fields.delete(field);
        deleted++;
      }
    }
    return deleted;
  }

  /** Every connector and secret (values included) as text, so a spec can prove a value was never stored. */
  dump(): string {
    const secrets = [...this.state.secrets].map(([key, fields]) => [
      key,
      [...fields].map(([field, s]) => [field, s.value]),
    ]);
    return JSON.stringify({ connectors: [...this.state.connectors.values()], secrets });
  }

  private copy(): State {
    return {
      connectors: new Map(this.state.connectors),
      secrets: new Map([...this.state.secrets].map(([key, fields]) => [key, new Map(fields)])),
    };
  }
}
