import type { AccessClaims, RoleName } from '@ferry/platform/rbac';
import { type CallerInfo, callerInfo } from '../caller';
import { isUuid, Violations } from '../input-checks';
import { type AccountFields, checkAccountFields, checkOrgRoles } from './account-fields';

/**
 * A validated request to create a password account in the caller's organisation. The password's
 * policy depends on whether the account will use MFA, which needs the organisation's setting, so
 * the use case checks it.
 */
export class CreateAccountCommand {
  private constructor(
    readonly caller: AccessClaims,
    readonly orgId: string,
    readonly fields: AccountFields,
    readonly roles: readonly RoleName[],
    readonly password: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    caller: AccessClaims;
    /** The organisation the request names; must be the caller's. */
    orgId: string;
    loginName: string;
    displayName: string;
    email?: string | null;
    realName?: string | null;
    roles: readonly string[];
    password: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): CreateAccountCommand {
    const violations = new Violations();
    if (!isUuid(input.orgId)) violations.add('orgId', 'must be a UUID');
    const fields = checkAccountFields(input, violations);
    const roles = checkOrgRoles(input.roles, violations);
    if (input.password.length === 0) violations.add('password', 'required');
    violations.throwIfAny();
    return new CreateAccountCommand(
      input.caller,
      input.orgId.toLowerCase(),
      fields,
      roles,
      input.password,
      callerInfo(input),
    );
  }
}
