import { Inject, Injectable } from '@nestjs/common';
import type { SsoSettings } from '@ferry/identity/domain';
import { callerActing, recordBeforeCommit } from '../audit-records';
import { NotFoundError } from '../identity.errors';
import {
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  type IdentityAuditTrail,
  type IdentityUnitOfWork,
} from '../identity.ports';
import { scopedOrgId } from '../org-scope';
import type { UpdateSsoSettingsCommand } from './update-sso-settings.command';

/**
 * Replaces the caller's organisation's SSO settings and audits org.sso.updated (with the list sizes
 * only), in one unit of work: if the trail does not take the record, the settings are not replaced.
 */
@Injectable()
export class UpdateSsoSettingsUseCase {
  constructor(
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
  ) {}

  execute(command: UpdateSsoSettingsCommand): Promise<SsoSettings> {
    const { settings } = command;
    return this.unitOfWork.run(async (tx) => {
      const org = await tx.organisations.findById(scopedOrgId(command.caller, command.orgId));
      if (!org) throw new NotFoundError('organisation');
      await tx.organisations.updateSso(org.id, settings);
      await recordBeforeCommit(this.audit, [
        {
          orgId: org.id,
          ...callerActing(command.caller),
          action: 'org.sso.updated',
          target: { type: 'organisation', id: org.id },
          outcome: 'success',
          sourceAddress: command.from.sourceAddress,
          userAgent: command.from.userAgent,
          detail: {
            entraTenants: String(settings.entraTenantIds.length),
            googleHostedDomains: String(settings.googleHostedDomains.length),
            allowedDomains: String(settings.allowedDomains.length),
            groupRoles: String(settings.groupRoles.length),
          },
        },
      ]);
      return settings;
    });
  }
}
