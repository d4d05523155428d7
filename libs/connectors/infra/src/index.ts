import { ConnectorSecretEntity } from './persistence/connector-secret.entity';
import { ConnectorEntity } from './persistence/connector.entity';
import { CreateConnectorsTable1732300000001 } from './persistence/1732300000001-create-connectors-table.migration';
import { CreateConnectorVault1733900000001 } from './persistence/1733900000001-create-connector-vault.migration';

export { ConnectorsInfraModule } from './connectors-infra.module';
export { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from './connectors-infra.options';
export { secretContext } from './persistence/secret-sealer';
export {
  type KekRotationOptions,
  type KekRotationProgress,
  type KekRotationReport,
  rotateKek,
} from './persistence/kek-rotation';
export { ConnectorEntity, ConnectorSecretEntity };

/** What the connectors service's PersistenceModule needs: its entities and migrations. */
export const CONNECTORS_ENTITIES = [ConnectorEntity, ConnectorSecretEntity];
export const CONNECTORS_MIGRATIONS = [CreateConnectorsTable1732300000001, CreateConnectorVault1733900000001];
