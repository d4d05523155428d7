import { Inject, Injectable } from '@nestjs/common';
import type { SsoSettings } from '@ferry/identity/domain';
import { callerActing, recordOrUndo } from '../audit-or-undo';
import { NotFoundError } from '../identity.errors';
import {
  IDENTITY_AUDIT_TRAIL,
  IdentityAuditTrail,
  ORGANISATION_REPOSITORY,
  OrganisationRepository,
} from '../identity.ports';
import { scopedOrgId } from '../org-scope';
import { UpdateSsoSettingsCommand } from './update-sso-settings.command';

/**
 * Replaces the caller's organisation's SSO settings and audits org.sso.updated (with the list sizes
 * only). If the record cannot be stored, the previous settings are put back.
 */
@Injectable()
export class UpdateSsoSettingsUseCase {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly orgs: OrganisationRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
  ) {}

  async execute(command: UpdateSsoSettingsCommand): Promise<SsoSettings> {
    const org = await this.orgs.findById(scopedOrgId(command.caller, command.orgId));
    if (!org) throw new NotFoundError('organisation');
    const { settings } = command;
    await this.orgs.updateSso(org.id, settings);
    await recordOrUndo(
      this.audit,
      [
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
      ],
      () => this.orgs.updateSso(org.id, org.sso),
    );
    return settings;
  }
}
