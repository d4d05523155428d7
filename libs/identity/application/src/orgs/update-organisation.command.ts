import type { AccessClaims } from '@ferry/platform/rbac';
import { type CallerInfo, callerInfo } from '../caller';
import { isUuid, Violations } from '../input-checks';

/** A validated change of an organisation's settings by one of its org-admins. */
export class UpdateOrganisationCommand {
  private constructor(
    readonly caller: AccessClaims,
    readonly orgId: string,
    readonly mfaRequired: boolean,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    caller: AccessClaims;
    orgId: string;
    mfaRequired: boolean;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): UpdateOrganisationCommand {
    const violations = new Violations();
    if (!isUuid(input.orgId)) violations.add('orgId', 'must be a UUID');
    if (typeof input.mfaRequired !== 'boolean') violations.add('mfaRequired', 'must be true or false');
    violations.throwIfAny();
    return new UpdateOrganisationCommand(
      input.caller,
      input.orgId.toLowerCase(),
      input.mfaRequired,
      callerInfo(input),
    );
  }
}
