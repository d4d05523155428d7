import { Inject, Injectable } from '@nestjs/common';
import type { Organisation } from '@ferry/identity/domain';
import { callerActing, recordOrUndo } from '../audit-or-undo';
import { NotFoundError } from '../identity.errors';
import {
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditTrail,
  ORGANISATION_REPOSITORY,
  type OrganisationRepository,
} from '../identity.ports';
import { scopedOrgId } from '../org-scope';
import type { UpdateOrganisationCommand } from './update-organisation.command';

/**
 * Changes whether the organisation's non-admin accounts must use TOTP, and audits
 * org.settings.updated. Admin roles always need TOTP: sign-in checks the role, not this setting, so
 * no value here can turn it off for them. Accounts without MFA then need passwords of 15 or more
 * characters. Undone if the change cannot be audited.
 */
@Injectable()
export class UpdateOrganisationUseCase {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly orgs: OrganisationRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
  ) {}

  async execute(command: UpdateOrganisationCommand): Promise<Organisation> {
    const org = await this.orgs.findById(scopedOrgId(command.caller, command.orgId));
    if (!org) throw new NotFoundError('organisation');
    await this.orgs.updateMfaRequired(org.id, command.mfaRequired);
    await recordOrUndo(
      this.audit,
      [
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
      ],
      () => this.orgs.updateMfaRequired(org.id, org.mfaRequired),
    );
    return { ...org, mfaRequired: command.mfaRequired };
  }
}
