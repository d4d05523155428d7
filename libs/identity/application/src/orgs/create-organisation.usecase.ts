import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Account, Organisation } from '@ferry/identity/domain';
import { callerActing, recordBeforeCommit } from '../audit-records';
import {
  ACCOUNT_REPOSITORY,
  AccountRepository,
  AlreadyExistsError,
  CLOCK,
  Clock,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  IdentityAuditEntry,
  IdentityAuditTrail,
  type IdentityUnitOfWork,
  PASSWORD_HASHER,
  PasswordHasher,
} from '../identity.ports';
import { CreateOrganisationCommand } from './create-organisation.command';

/** A new organisation and its first org-admin. */
export interface CreatedOrganisation {
  readonly organisation: Organisation;
  readonly admin: Account;
}

/**
 * Creates an organisation (MFA required, SSO off) and its first org-admin, who enrols TOTP at first
 * sign-in. Nothing is left half-made: both are stored in one unit of work with their records, so a
 * taken login name or a record the trail does not take stores nothing, and the request fails.
 */
@Injectable()
export class CreateOrganisationUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: CreateOrganisationCommand): Promise<CreatedOrganisation> {
    // Checked first so a taken name costs no argon2 hash; the insert below still catches a race.
    if (await this.accounts.findByLoginName(command.admin.loginName))
      throw new AlreadyExistsError('login name');
    const passwordHash = await this.hasher.hash(command.adminPassword);
    const now = this.clock.now();
    const organisation: Organisation = {
      id: randomUUID(),
      name: command.name,
      mfaRequired: true,
      sso: { entraTenantIds: [], googleHostedDomains: [], allowedDomains: [], groupRoles: [] },
      createdAt: now,
    };
    const admin: Account = {
      id: randomUUID(),
      orgId: organisation.id,
      ...command.admin,
      roles: ['org-admin'],
      mfaEnrolled: false,
      federated: null,
      createdAt: now,
    };

    const entry = (
      action: IdentityAuditEntry['action'],
      target: IdentityAuditEntry['target'],
      detail?: Record<string, string>,
    ): IdentityAuditEntry => ({
      orgId: organisation.id,
      ...callerActing(command.caller),
      action,
      target,
      outcome: 'success',
      sourceAddress: command.from.sourceAddress,
      userAgent: command.from.userAgent,
      ...(detail ? { detail } : {}),
    });
    return this.unitOfWork.run(async (tx) => {
      await tx.organisations.insert(organisation);
      await tx.accounts.insert(admin, passwordHash);
      await recordBeforeCommit(this.audit, [
        entry('org.created', { type: 'organisation', id: organisation.id }),
        entry('account.created', { type: 'account', id: admin.id }),
        entry('role.granted', { type: 'account', id: admin.id }, { role: 'org-admin' }),
      ]);
      return { organisation, admin };
    });
  }
}
