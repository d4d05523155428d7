import type { Connector } from '@ferry/connectors/domain';
import type { CredentialAccess, SecretVault } from '../connector.ports';

/** One connector's secrets through the vault, for a provider adapter while it holds the connector. */
export function credentialAccess(vault: SecretVault, connector: Connector): CredentialAccess {
  return {
    open: (field) => vault.open(connector, field),
    replace: (field, value, previous) => vault.replace(connector, field, value, previous),
  };
}
