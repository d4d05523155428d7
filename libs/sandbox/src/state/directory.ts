import type { KeyObject } from 'node:crypto';

/**
 * An app in a tenant's `apps`: either the app registration itself (the application object, in its home
 * tenant), or, with `homeTenantId` set, the service principal an admin of another tenant created by
 * consenting to that multi-tenant app. As in Entra, credentials and redirect URIs live on the
 * application object, so a service principal shares its registration's `secrets`, `certificates` and
 * `redirectUris` (the same objects); consent is per tenant, so the permissions are its own.
 */
export interface EntraApp {
  readonly clientId: string;
  readonly displayName: string;
  /** Client secrets that the token endpoint accepts. */
  readonly secrets: Set<string>;
  /** Certificates for client-assertion sign-in, by base64url SHA-1 thumbprint (`x5t`). */
  readonly certificates: Map<string, KeyObject>;
  /** Consented application permissions, e.g. `Mail.ReadWrite`, carried as the `roles` claim. */
  readonly applicationPermissions: Set<string>;
  /** Consented delegated permissions, carried as the `scp` claim. */
  readonly delegatedPermissions: Set<string>;
  readonly redirectUris: Set<string>;
  /**
   * The registration's "required permissions" (manifest `requiredResourceAccess`): the application
   * permissions admin consent grants in a tenant. Unset: the permissions consented in the home tenant.
   */
  requiredApplicationPermissions?: Set<string>;
  /** Set on a service principal: the tenant that owns the app registration. */
  readonly homeTenantId?: string;
  /**
   * The app registration's "groups claim" (manifest `groupMembershipClaims`): with `SecurityGroup`
   * or `All`, ID tokens carry the user's group object ids as `groups`; absent or `None`, no claim.
   */
  groupMembershipClaims?: EntraGroupMembershipClaims;
}

/** Manifest values the sandbox emulates; every sandbox group is a security group, so the two non-None values act alike. */
export type EntraGroupMembershipClaims = 'None' | 'SecurityGroup' | 'All';

export interface MicrosoftUser {
  readonly id: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string | null;
  accountEnabled: boolean;
  /** For the authorization-code sign-in page; never returned by any API. */
  readonly password: string;
  /** Template ids of the user's Entra directory roles, for the ID token's `wids` claim; absent or empty for none. */
  directoryRoles?: string[];
}

/** The Global Administrator role's template id (as in every Entra tenant). */
export const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';

export interface MicrosoftGroup {
  readonly id: string;
  displayName: string;
  mail: string;
  mailNickname: string;
  description: string | null;
  readonly members: Set<string>;
}

export interface MicrosoftTenant {
  readonly tenantId: string;
  readonly domain: string;
  readonly apps: Map<string, EntraApp>;
  readonly users: Map<string, MicrosoftUser>;
  readonly groups: Map<string, MicrosoftGroup>;
}

/** A service account's public key and the scopes an admin authorised it for (domain-wide delegation). */
export interface GoogleServiceAccount {
  readonly clientEmail: string;
  readonly clientId: string;
  readonly privateKeyId: string;
  readonly publicKey: KeyObject;
  readonly delegatedScopes: Set<string>;
}

export interface GoogleOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: Set<string>;
}

export interface GoogleUser {
  readonly id: string;
  primaryEmail: string;
  givenName: string;
  familyName: string;
  isAdmin: boolean;
  suspended: boolean;
  orgUnitPath: string;
  readonly password: string;
}

export interface GoogleGroup {
  readonly id: string;
  email: string;
  name: string;
  description: string;
  /** member email -> role (OWNER, MANAGER, MEMBER) */
  readonly members: Map<string, string>;
}

export interface GoogleTenant {
  readonly customerId: string;
  readonly domain: string;
  readonly adminUser: string;
  readonly serviceAccounts: Map<string, GoogleServiceAccount>;
  readonly oauthClients: Map<string, GoogleOAuthClient>;
  /** By primary email, lower-cased. */
  readonly users: Map<string, GoogleUser>;
  readonly groups: Map<string, GoogleGroup>;
}

/** Every tenant of both clouds; the first of each is the one the runner prints. */
export class Directory {
  readonly microsoft = new Map<string, MicrosoftTenant>();
  readonly google = new Map<string, GoogleTenant>();

  microsoftTenant(tenantIdOrDomain: string): MicrosoftTenant | undefined {
    const byId = this.microsoft.get(tenantIdOrDomain);
    if (byId) return byId;
    for (const t of this.microsoft.values()) if (t.domain.toLowerCase() === tenantIdOrDomain.toLowerCase()) return t;
    return undefined;
  }

  /** A user by id or UPN within a tenant (Graph accepts either in `/users/{id|upn}`). */
  microsoftUser(tenant: MicrosoftTenant, idOrUpn: string): MicrosoftUser | undefined {
    const byId = tenant.users.get(idOrUpn);
    if (byId) return byId;
    const needle = idOrUpn.toLowerCase();
    for (const u of tenant.users.values()) if (u.userPrincipalName.toLowerCase() === needle) return u;
    return undefined;
  }

  googleTenantOfEmail(email: string): GoogleTenant | undefined {
    const domain = email.split('@')[1]?.toLowerCase();
    for (const t of this.google.values()) if (t.domain.toLowerCase() === domain) return t;
    return undefined;
  }

  googleServiceAccount(clientEmail: string): { tenant: GoogleTenant; account: GoogleServiceAccount } | undefined {
    for (const tenant of this.google.values()) {
      const account = tenant.serviceAccounts.get(clientEmail);
      if (account) return { tenant, account };
    }
    return undefined;
  }
}
