import type { Account } from '@ferry/identity/domain';
import { ROLES, type RoleName } from '@ferry/platform/rbac';
import type { AccountEntity } from './account.entity';

/** An account's personal data, opened from its sealed columns. */
export interface AccountProfile {
  readonly email: string | null;
  readonly realName: string | null;
}

/** The domain account of a row, its opened profile and roles (in catalogue order, so reads are deterministic). */
export function toAccount(row: AccountEntity, profile: AccountProfile, roles: readonly RoleName[]): Account {
  return {
    id: row.id,
    orgId: row.orgId,
    loginName: row.loginName,
    displayName: row.displayName,
    email: profile.email,
    realName: profile.realName,
    roles: [...roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b)),
    mfaEnrolled: row.mfaEnrolled,
    federated:
      row.federatedIssuer !== null && row.federatedSubject !== null
        ? { issuer: row.federatedIssuer, subject: row.federatedSubject }
        : null,
    createdAt: row.createdAt,
  };
}

/** Columns read for an account; credentials are selected only by the calls that hand them out. */
export const ACCOUNT_COLUMNS = {
  id: true,
  orgId: true,
  loginName: true,
  displayName: true,
  email: true,
  realName: true,
  federatedIssuer: true,
  federatedSubject: true,
  mfaEnrolled: true,
  createdAt: true,
} as const;
