import type { KeyProviderConfig } from '@ferry/platform/crypto';

/** Settings the connectors adapters need from the service's configuration. */
export interface ConnectorsInfraOptions {
  /** Where the key-encryption key comes from. */
  readonly keyProvider: KeyProviderConfig;
  /** HMAC key for secret fingerprints (at least 32 bytes; never a key-encryption key). */
  readonly fingerprintKey: Buffer;
  /** Region token for audit subjects. */
  readonly region: string;
}

export const CONNECTORS_INFRA_OPTIONS = Symbol('ConnectorsInfraOptions');
