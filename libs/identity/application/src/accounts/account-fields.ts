import {
  checkPassword,
  normaliseLoginName,
  PASSWORD_MAX,
  PASSWORD_MIN_WITH_MFA,
  PASSWORD_MIN_WITHOUT_MFA,
  type PasswordProblem,
  validateDisplayName,
} from '@ferry/identity/domain';
import { isRoleName, type RoleName, ROLES } from '@ferry/platform/rbac';
import type { Violations } from '../input-checks';

/** The personal fields of a new password account, normalised. */
export interface AccountFields {
  readonly loginName: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly realName: string | null;
}

export const EMAIL_MAX = 254;
// Deliberately light: one @, no whitespace or controls, a DNS-shaped domain. Deliverability is not ours to judge.
const EMAIL =
  /^[^\s@\p{Cc}]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/iu;

/** Checks login name, display name, optional email and optional real name; `prefix` names nested fields (`admin.`). */
export function checkAccountFields(
  input: { loginName: string; displayName: string; email?: string | null; realName?: string | null },
  violations: Violations,
  prefix = '',
): AccountFields {
  const loginName = normaliseLoginName(input.loginName);
  if (!loginName.ok) violations.add(`${prefix}loginName`, loginName.reason);
  const displayName = validateDisplayName(input.displayName);
  if (!displayName.ok) violations.add(`${prefix}displayName`, displayName.reason);

  let email: string | null = null;
  const rawEmail = (input.email ?? '').normalize('NFC').trim();
  if (rawEmail.length > 0) {
    if (rawEmail.length > EMAIL_MAX || !EMAIL.test(rawEmail))
      violations.add(`${prefix}email`, 'must be an email address');
    else email = rawEmail;
  }

  let realName: string | null = null;
  if ((input.realName ?? '').trim().length > 0) {
    const checked = validateDisplayName(input.realName ?? '');
    if (checked.ok) realName = checked.value;
    else violations.add(`${prefix}realName`, checked.reason);
  }

  return {
    loginName: loginName.ok ? loginName.value : '',
    displayName: displayName.ok ? displayName.value : '',
    email,
    realName,
  };
}

/** Puts roles in catalogue order without duplicates, so stored role lists compare equal. */
export function sortRoles(roles: Iterable<RoleName>): RoleName[] {
  const set = new Set(roles);
  return ROLES.filter((r) => set.has(r));
}

/** Checks roles granted within an organisation: at least one, each known, never platform-admin. */
export function checkOrgRoles(
  raw: readonly string[] | undefined,
  violations: Violations,
  field = 'roles',
): RoleName[] {
  const list = raw ?? [];
  if (list.length === 0) {
    violations.add(field, 'at least one role is required');
    return [];
  }
  if (list.some((r) => !isRoleName(r)))
    violations.add(
      field,
      `each role must be one of ${ROLES.filter((r) => r !== 'platform-admin').join(', ')}`,
    );
  else if (list.includes('platform-admin'))
    violations.add(field, 'platform-admin cannot be granted within an organisation');
  return sortRoles(list.filter((r): r is RoleName => isRoleName(r) && r !== 'platform-admin'));
}

/** Explains a password refusal without echoing the password. */
export function passwordReason(problem: PasswordProblem, mfa: boolean): string {
  switch (problem) {
    case 'too-short':
      return `at least ${mfa ? PASSWORD_MIN_WITH_MFA : PASSWORD_MIN_WITHOUT_MFA} characters${mfa ? '' : ' for an account without MFA'}`;
    case 'too-long':
      return `at most ${PASSWORD_MAX} characters`;
    case 'common':
      return 'is a common or breached password';
    case 'same-as-login-name':
      return 'must not be the login name';
  }
}

/** Checks a new password against the policy for an account with or without MFA. */
export function checkNewPassword(
  password: string,
  ctx: { mfa: boolean; loginName: string },
  violations: Violations,
  field = 'password',
): void {
  const problem = checkPassword(password, ctx);
  if (problem) violations.add(field, passwordReason(problem, ctx.mfa));
}
