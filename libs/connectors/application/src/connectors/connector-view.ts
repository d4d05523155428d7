import type { Connector, SecretMetadata, SecretWarning } from '@ferry/connectors/domain';

/** A connector as the API shows it: metadata, secret metadata and warnings, never a value. */
export interface ConnectorView {
  readonly connector: Connector;
  readonly secrets: readonly SecretMetadata[];
  readonly warnings: readonly SecretWarning[];
  readonly userCredentialCount: number;
}
