import type { KeyObject } from 'node:crypto';
import type { SecretAgePolicy } from '@ferry/connectors/domain';
import type { KeyProviderConfig } from '@ferry/platform/crypto';
import type { GoogleEndpoints } from '@ferry/providers/google';
import type { MicrosoftInstallationAppOptions } from './tenants/microsoft-installation.app';

/** Settings the connectors adapters need from the service's configuration. */
export interface ConnectorsInfraOptions {
  /** Where the key-encryption key comes from. */
  readonly keyProvider: KeyProviderConfig;
  /** HMAC key for secret fingerprints and user pseudonyms (at least 32 bytes; never a key-encryption key). */
  readonly fingerprintKey: Buffer;
  /** Region token for audit subjects. */
  readonly region: string;
  /** Outbound SSRF policy: hosts, addresses or CIDR blocks allowed although private; blocks denied on top of the built-in ones. */
  readonly outbound: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  /** Google's endpoints (the public ones unless a test cloud stands in). */
  readonly google: GoogleEndpoints;
  /** When stored secrets get warnings. */
  readonly secretAge: SecretAgePolicy;
  /** Public keys of the services the token broker serves, by service name; empty: the broker refuses everyone. */
  readonly trustedServices: ReadonlyMap<string, KeyObject[]>;
  /** Admin consent and delegated grants; absent: neither flow is offered. */
  readonly onboarding?: {
    /** The gateway's public base URL (https); the callback routes' redirect URIs hang below it. */
    readonly callbackBaseUrl: string;
    /** The installation's multi-tenant Entra app; absent: admin consent is not offered. */
    readonly microsoftApp?: MicrosoftInstallationAppOptions;
    /** Test seam: how long a fresh consent is retried while Entra replicates it. */
    readonly consentPropagation?: { readonly attempts: number; readonly delayMs: number };
  };
}

export const CONNECTORS_INFRA_OPTIONS = Symbol('ConnectorsInfraOptions');
