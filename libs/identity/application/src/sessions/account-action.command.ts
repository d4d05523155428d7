import type { AccessClaims } from '@ferry/platform/rbac';
import { type CallerInfo, callerInfo } from '../caller';
import { isUuid, Violations } from '../input-checks';

/** A validated admin action on one account (revoke its sessions, reset its MFA); the caller's token is already verified. */
export class AccountActionCommand {
  private constructor(
    readonly caller: AccessClaims,
    /** The organisation the request names; must be the caller's. */
    readonly orgId: string,
    readonly accountId: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    caller: AccessClaims;
    orgId: string;
    accountId: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): AccountActionCommand {
    const violations = new Violations();
    if (!isUuid(input.orgId)) violations.add('orgId', 'must be a UUID');
    if (!isUuid(input.accountId)) violations.add('accountId', 'must be a UUID');
    violations.throwIfAny();
    return new AccountActionCommand(
      input.caller,
      input.orgId.toLowerCase(),
      input.accountId.toLowerCase(),
      callerInfo(input),
    );
  }
}
