import type { AccessClaims, Permission } from '@ferry/platform/rbac';

/** Why an authenticated caller was turned away. */
export type AccessDenialReason = 'cross-org' | 'permission';

/** One refused request, for the audit trail. Holds no token. */
export interface AccessDenial {
  readonly claims: AccessClaims;
  readonly permission: Permission;
  /** The `:org` of the route, as requested; null when the route names no organisation. */
  readonly requestedOrg: string | null;
  readonly reason: AccessDenialReason;
  readonly sourceAddress: string | null;
  readonly userAgent: string | null;
  /** The route pattern (`/orgs/:org/accounts`), never the concrete path. */
  readonly route: string | null;
}

/**
 * Optional port the AccessGuard reports denials to (the gateway audits them). Provide it under
 * {@link ACCESS_DENIED_RECORDER}; a failure to record is logged and does not change the answer.
 */
export interface AccessDeniedRecorder {
  record(denial: AccessDenial): Promise<void>;
}

export const ACCESS_DENIED_RECORDER = Symbol('AccessDeniedRecorder');
