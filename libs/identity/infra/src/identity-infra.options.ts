import type { KeyProviderConfig } from '@ferry/platform/crypto';

/** What identity's adapters need from the service's configuration. */
export interface IdentityInfraOptions {
  readonly region: string;
  /** The `iss` of the access tokens identity signs. */
  readonly issuer: string;
  /** The KEK that seals TOTP secrets, PKCE verifiers and signing keys. */
  readonly keyProvider: KeyProviderConfig;
  /** HMAC key for pseudonyms (login names in throttle keys, UPNs in sessions). */
  readonly pseudonymKey: Buffer;
  readonly accessTokenTtlS: number;
  readonly idleTimeoutS: number;
  readonly absoluteTimeoutS: number;
  readonly signingKeyRotationDays: number;
  readonly argon2: { readonly memoryKiB: number; readonly iterations: number; readonly parallelism: number; readonly concurrency: number };
  readonly totpIssuer: string;
  readonly bootstrapAdmin: { readonly loginName: string; readonly password: string } | null;
  readonly sso: {
    /** The gateway's `/api/v1/auth/sso/callback` as registered with the providers; null disables SSO. */
    readonly redirectUri: string | null;
    readonly entra: { readonly authority: string; readonly clientId: string; readonly clientSecret: string } | null;
    /** `discoveryBase`: where discovery is served when not at the issuer (the sandbox), else null. */
    readonly google: { readonly issuer: string; readonly discoveryBase: string | null; readonly clientId: string; readonly clientSecret: string } | null;
  };
}

export const IDENTITY_INFRA_OPTIONS = Symbol('IdentityInfraOptions');
