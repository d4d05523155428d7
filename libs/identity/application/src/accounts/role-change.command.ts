import { isRoleName, type AccessClaims, type RoleName } from '@ferry/platform/rbac';
import { type CallerInfo, callerInfo } from '../caller';
import { isUuid, Violations } from '../input-checks';

/** A validated request to grant or revoke one organisation role (never platform-admin) on one account. */
export class RoleChangeCommand {
  private constructor(
    readonly caller: AccessClaims,
    readonly orgId: string,
    readonly accountId: string,
    readonly role: Exclude<RoleName, 'platform-admin'>,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    caller: AccessClaims;
    /** The organisation the request names; must be the caller's. */
    orgId: string;
    accountId: string;
    role: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): RoleChangeCommand {
    const violations = new Violations();
    if (!isUuid(input.orgId)) violations.add('orgId', 'must be a UUID');
    if (!isUuid(input.accountId)) violations.add('accountId', 'must be a UUID');
    const role = input.role;
    if (!isRoleName(role)) violations.add('role', 'must be a known role');
    else if (role === 'platform-admin')
      violations.add('role', 'platform-admin cannot be granted or revoked within an organisation');
    violations.throwIfAny();
    return new RoleChangeCommand(
      input.caller,
      input.orgId.toLowerCase(),
      input.accountId.toLowerCase(),
      role as Exclude<RoleName, 'platform-admin'>,
      callerInfo(input),
    );
  }
}
