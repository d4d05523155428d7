import type { Connector, MicrosoftSettings } from '@ferry/connectors/domain';
import type { DelegatedGrant } from '@ferry/providers/core';
import type { BeforeCommit, CredentialAccess } from '../connector.ports';

/**
 * Admin consent to the installation's Entra app, the sign-in that proves an administrator of the
 * consenting tenant is the one completing it (`consent-verify`), or one user's delegated grant.
 */
export type OnboardingKind = 'consent' | 'consent-verify' | 'delegation';

/** A started onboarding flow. The state itself is never stored: only its SHA-256. */
export interface OnboardingTransaction {
  readonly stateHash: string;
  readonly kind: OnboardingKind;
  readonly orgId: string;
  readonly connectorId: string;
  /** The PKCE verifier of a delegation or a consent verification: stored sealed, in clear only here. Null for consent. */
  readonly codeVerifier: string | null;
  /**
   * Pseudonym of the account a delegation was started for (its login hint), or null for anyone. For
   * `consent-verify`, the tenant id the consent callback named, which the sign-in must prove.
   */
  readonly expectedSubject: string | null;
  /**
   * Hex SHA-256 of the browser binding a delegation was started with (the value itself lives only in
   * the starting browser's cookie). Null for consent, and for delegations stored before bindings
   * existed, which are refused.
   */
  readonly bindingHash: string | null;
  /** Account id that started the flow. */
  readonly startedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** What spending a state found: spent now by this caller, or why not. */
export type SpendOutcome =
  | { readonly status: 'spent'; readonly transaction: OnboardingTransaction }
  | { readonly status: 'replayed' | 'expired'; readonly transaction: OnboardingTransaction }
  | { readonly status: 'unknown' };

/** How activating a consented connector ended. */
export type ConsentActivation = 'activated' | 'connector-changed' | 'tenant-held-elsewhere';

/** Onboarding transactions; implemented in infra. */
export interface OnboardingStore {
  /** Stores a transaction (sealing its PKCE verifier, bound to org, connector and `pkce`). */
  insert(transaction: OnboardingTransaction): Promise<void>;
  /** Stores a new connector and the consent transaction that will complete it, in one transaction. */
  insertWithConnector(connector: Connector, transaction: OnboardingTransaction, beforeCommit: BeforeCommit): Promise<void>;
  /**
   * Spends a state with one conditional update (unspent and unexpired): of concurrent callers, on any
   * replica, exactly one gets `spent`. A spent transaction keeps no verifier (`replayed`/`expired` carry none).
   */
  spend(stateHash: string, now: Date): Promise<SpendOutcome>;
  /** Deletes transactions expired for a while (kept a day so that replays are told apart); returns how many. */
  purgeExpired(now: Date): Promise<number>;
  /** Whether a connector of another organisation is bound to this tenant through the installation's app. */
  tenantHeldElsewhere(orgId: string, tenantId: string): Promise<boolean>;
  /**
   * Stores a consented connector (`next`, its tenant in its settings) if it is still at
   * `expectedVersion`, and binds the tenant to its organisation in the same transaction. The binding
   * is a database constraint: of concurrent activations naming one tenant from different
   * organisations at most one commits, the others answer `tenant-held-elsewhere`. Connectors of
   * one organisation may share a tenant.
   */
  activateConsent(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<ConsentActivation>;
}

/** The installation's own multi-tenant Entra app, which admin-consent connectors use. */
export interface InstallationApp {
  /** The settings of a new admin-consent connector (tenant empty). @throws ConnectorStateError when no app is configured */
  consentSettings(): MicrosoftSettings;
  /** The admin-consent link carrying `state`. */
  consentUrl(state: string): string;
  /** The consenting tenant from Entra's redirect. @throws ProviderError (`not-authorized` when consent was declined) */
  readConsentCallback(query: URLSearchParams): { readonly tenantId: string };
  /** Proves the tenant granted the app: an app-only token is issued there. @throws ProviderError */
  verifyConsent(settings: MicrosoftSettings): Promise<void>;
  /**
   * The OIDC sign-in link (authorization code + PKCE S256, `openid profile`) with the installation
   * app, at `tenantId`'s own authority: only an account of that tenant can sign in there.
   */
  verificationUrl(tenantId: string, request: { readonly state: string; readonly codeChallenge: string }): string;
  /**
   * Redeems the verification sign-in's code at `tenantId`'s authority; tenant and directory roles come
   * from the verified ID token. @throws ProviderError
   */
  verifySignIn(tenantId: string, request: { readonly code: string; readonly codeVerifier: string }): Promise<ConsentSignIn>;
}

/** Who signed in to verify a consent, from the verified ID token. */
export interface ConsentSignIn {
  /** The token's `tid`. */
  readonly tenantId: string;
  /** Template ids of the user's directory roles (the `wids` claim); empty when none. */
  readonly directoryRoles: readonly string[];
}

/** A user's OAuth grant on a delegated connector (authorization code with PKCE S256). */
export interface DelegationProvider {
  authorizationUrl(
    connector: Connector,
    request: { readonly state: string; readonly codeChallenge: string; readonly scopes: readonly string[]; readonly loginHint: string | null },
    credentials: CredentialAccess,
  ): Promise<string>;
  /** Redeems the code; the account comes from the provider's verified ID token. @throws ProviderError */
  redeem(connector: Connector, request: { readonly code: string; readonly codeVerifier: string; readonly scopes: readonly string[] }, credentials: CredentialAccess): Promise<DelegatedGrant>;
}

export const ONBOARDING_STORE = Symbol('OnboardingStore');
export const INSTALLATION_APP = Symbol('InstallationApp');
export const DELEGATION_PROVIDER = Symbol('DelegationProvider');
