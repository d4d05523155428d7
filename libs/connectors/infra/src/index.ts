import { ConnectorSecretEntity } from './persistence/connector-secret.entity';
import { ConnectorEntity } from './persistence/connector.entity';
import { CreateConnectorsTable1732300000001 } from './persistence/1732300000001-create-connectors-table.migration';
import { CreateConnectorVault1733900000001 } from './persistence/1733900000001-create-connector-vault.migration';
import { CreateOnboardingTransactions1734200000001 } from './persistence/1734200000001-create-onboarding-transactions.migration';
import { AddOnboardingBrowserBinding1734300000001 } from './persistence/1734300000001-add-onboarding-browser-binding.migration';
import { BindConsentTenants1734300000002 } from './persistence/1734300000002-bind-consent-tenants.migration';
import { ConsentTenantEntity } from './persistence/consent-tenant.entity';
import { OnboardingTransactionEntity } from './persistence/onboarding-transaction.entity';

export { ConnectorsInfraModule } from './connectors-infra.module';
export { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from './connectors-infra.options';
export { CONSENT_CALLBACK_PATH, DELEGATION_CALLBACK_PATH } from './onboarding/callback-urls';
export { InstallationAppConfigError, type InstallationAppSettings, loadInstallationApp } from './onboarding/installation-app.loader';
export { secretContext } from './persistence/secret-sealer';
export type { MicrosoftInstallationAppOptions } from './tenants/microsoft-installation.app';
export {
  type KekRotationOptions,
  type KekRotationProgress,
  type KekRotationReport,
  rotateKek,
} from './persistence/kek-rotation';
export { ConnectorEntity, ConnectorSecretEntity };

/** What the connectors service's PersistenceModule needs: its entities and migrations. */
export const CONNECTORS_ENTITIES = [ConnectorEntity, ConnectorSecretEntity, OnboardingTransactionEntity, ConsentTenantEntity];
export const CONNECTORS_MIGRATIONS = [
  CreateConnectorsTable1732300000001,
  CreateConnectorVault1733900000001,
  CreateOnboardingTransactions1734200000001,
  AddOnboardingBrowserBinding1734300000001,
  BindConsentTenants1734300000002,
];
