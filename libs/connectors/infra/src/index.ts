import { ConnectorEntity } from './persistence/connector.entity';
import { CreateConnectorsTable1732300000001 } from './persistence/1732300000001-create-connectors-table.migration';

export { ConnectorsInfraModule } from './connectors-infra.module';
export { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from './connectors-infra.options';
export { secretContext, TypeormConnectorRepository } from './persistence/typeorm-connector.repository';
export { ConnectorEntity };

/** What the connectors service's PersistenceModule needs: its entities and migrations. */
export const CONNECTORS_ENTITIES = [ConnectorEntity];
export const CONNECTORS_MIGRATIONS = [CreateConnectorsTable1732300000001];
