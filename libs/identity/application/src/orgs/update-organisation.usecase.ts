import { Inject, Injectable } from '@nestjs/common';
import type { Organisation } from '@ferry/identity/domain';
import { callerActing, recordBeforeCommit } from '../audit-records';
import { NotFoundError } from '../identity.errors';
import {
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  type IdentityAuditTrail,
  type IdentityUnitOfWork,
} from '../identity.ports';
import { scopedOrgId } from '../org-scope';
import type { UpdateOrganisationCommand } from './update-organisation.command';

/**
 * Changes whether the organisation's non-admin accounts must use TOTP, and audits
 * org.settings.updated. Admin roles always need TOTP: sign-in checks the role, not this setting, so
 * no value here can turn it off for them. Accounts without MFA then need passwords of 15 or more
 * characters. Stored in one unit of work with its record: not applied if the trail does not take it.
 */
@Injectable()
export class UpdateOrganisationUseCase {
  constructor(
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
  ) {}

  execute(command: UpdateOrganisationCommand): Promise<Organisation> {
    return this.unitOfWork.run(async (tx) => {
      const org = await tx.organisations.findById(scopedOrgId(command.caller, command.orgId));
      if (!org) throw new NotFoundError('organisation');
      await tx.organisations.updateMfaRequired(org.id, command.mfaRequired);
      await recordBeforeCommit(this.audit, [
        {
          orgId: org.id,
          ...callerActing(command.caller),
          action: 'org.settings.updated',
          target: { type: 'organisation', id: org.id },
          outcome: 'success',
          sourceAddress: command.from.sourceAddress,
          userAgent: command.from.userAgent,
          detail: { mfaRequired: String(command.mfaRequired) },
        },
      ]);
      return { ...org, mfaRequired: command.mfaRequired };
    });
  }
}
