import type { RoleName } from '@ferry/platform/rbac';

/** A customer organisation whose tenants are migrated. */
export interface Organisation {
  readonly id: string;
  readonly name: string;
  /** Whether accounts without an admin role must use TOTP. Admin roles always must. */
  readonly mfaRequired: boolean;
  readonly sso: SsoSettings;
  readonly createdAt: Date;
}

/** An organisation's single sign-on settings: who may sign in through which provider, with which roles. */
export interface SsoSettings {
  /** Entra tenant ids (lower-case UUIDs) allowed to sign in; empty disables Entra. */
  readonly entraTenantIds: readonly string[];
  /** Google hosted domains (`hd`) allowed to sign in; empty disables Google. */
  readonly googleHostedDomains: readonly string[];
  /** Domains the UPN/email must belong to; checked during sign-in, then discarded. */
  readonly allowedDomains: readonly string[];
  /** Provider group -> Ferry role. A federated user with no mapped group is refused. */
  readonly groupRoles: readonly { readonly group: string; readonly role: RoleName }[];
}

export type SsoProviderName = 'entra' | 'google';

/** Who a federated account is at its identity provider: never the (mutable) email. */
export interface FederatedIdentity {
  /** The ID token's `iss`. */
  readonly issuer: string;
  /** Entra: `<tid>:<oid>`; Google: `sub`. */
  readonly subject: string;
}

/**
 * A platform account. Only a login name and a display name are required; email and real name are
 * optional personal data. Secrets (password hash, TOTP secret, recovery codes) are not part of it:
 * the repository hands them out through dedicated calls.
 */
export interface Account {
  readonly id: string;
  /** null for platform accounts (platform-admin), which belong to no organisation. */
  readonly orgId: string | null;
  /** Normalised (see normaliseLoginName). Unique across the installation. */
  readonly loginName: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly realName: string | null;
  readonly roles: readonly RoleName[];
  /** Whether a verified TOTP secret is enrolled. */
  readonly mfaEnrolled: boolean;
  /** null for password accounts. */
  readonly federated: FederatedIdentity | null;
  readonly createdAt: Date;
}

/** A signed-in session: one refresh-token family. */
export interface Session {
  readonly id: string;
  readonly accountId: string;
  readonly orgId: string | null;
  /** How the session was authenticated: `pwd`, `otp`, `rec` (recovery code), `fed`. */
  readonly amr: readonly string[];
  /** Keyed HMAC pseudonym of the federated user's UPN/email, for correlation; null for password sign-ins. */
  readonly subjectPseudonym: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly revokedAt: Date | null;
  readonly revokeReason: SessionRevokeReason | null;
}

/** `audit-unavailable`: the sign-in could not be audited, so the session was withdrawn before any token left. */
export type SessionRevokeReason =
  'signed-out' | 'admin-revoked' | 'refresh-reused' | 'mfa-reset' | 'role-changed' | 'audit-unavailable';

/** A short-lived, single-purpose step between password and session. */
export type PendingPurpose = 'mfa' | 'enrolment';
