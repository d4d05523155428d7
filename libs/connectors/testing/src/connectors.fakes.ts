import type { Connector } from '@ferry/connectors/domain';
import { MemoryConnectorRepository } from './memory-connector.repository';
import { MemoryConnectorStore } from './memory-connector.store';
import { MemorySecretVault } from './memory-secret.vault';
import { RecordingAuditTrail } from './recording-audit.trail';
import { ScriptedConnectionTester } from './scripted-connection.tester';
import { ScriptedCredentialInspector } from './scripted-credential.inspector';
import { ScriptedTokenSource } from './scripted-token.source';
import { SettableClock } from './settable.clock';
import { TableServiceAuthenticator } from './table-service.authenticator';
import { TestFingerprinter } from './test.fingerprinter';

/** One set of fakes for every connectors port, sharing one clock and one store, as a use-case spec wires them. */
export interface ConnectorFakes {
  readonly clock: SettableClock;
  readonly store: MemoryConnectorStore;
  readonly connectors: MemoryConnectorRepository;
  readonly vault: MemorySecretVault;
  readonly audit: RecordingAuditTrail;
  readonly inspector: ScriptedCredentialInspector;
  readonly tokens: ScriptedTokenSource;
  readonly tester: ScriptedConnectionTester;
  readonly fingerprinter: TestFingerprinter;
  readonly authenticator: TableServiceAuthenticator;
  /** Stores a connector and its secrets directly (no audit), as if created earlier. */
  seed(connector: Connector, secrets?: Readonly<Record<string, string>>): Connector;
}

export function createConnectorFakes(start?: Date): ConnectorFakes {
  const clock = new SettableClock(start);
  const store = new MemoryConnectorStore();
  return {
    clock,
    store,
    connectors: new MemoryConnectorRepository(store, clock),
    vault: new MemorySecretVault(store, clock),
    audit: new RecordingAuditTrail(),
    inspector: new ScriptedCredentialInspector(),
    tokens: new ScriptedTokenSource(clock),
    tester: new ScriptedConnectionTester(),
    fingerprinter: new TestFingerprinter(),
    authenticator: new TableServiceAuthenticator(),
    seed(connector, secrets = {}) {
      store.putConnector(connector);
      const inputs = Object.entries(secrets).map(([field, value]) => ({ field, value, expiresAt: null }));
      store.putSecrets(connector, inputs, clock.now());
      return connector;
    },
  };
}
