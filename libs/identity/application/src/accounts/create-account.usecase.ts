import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Account } from '@ferry/identity/domain';
import { ADMIN_ROLES } from '@ferry/platform/rbac';
import { callerActing, recordBeforeCommit } from '../audit-records';
import { NotFoundError } from '../identity.errors';
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
  ORGANISATION_REPOSITORY,
  OrganisationRepository,
  PASSWORD_HASHER,
  PasswordHasher,
} from '../identity.ports';
import { Violations } from '../input-checks';
import { scopedOrgId } from '../org-scope';
import { checkNewPassword } from './account-fields';
import { CreateAccountCommand } from './create-account.command';

/**
 * Creates a password account in the caller's organisation with the requested roles. The password
 * must meet the MFA policy (8+) when the account will use TOTP (an admin role, or the organisation
 * requires MFA), else the stricter one (15+). A taken login name is AlreadyExistsError. The account
 * is stored in one unit of work with its records (account.created, one role.granted per role): if
 * the trail does not take them, nothing is stored.
 */
@Injectable()
export class CreateAccountUseCase {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly orgs: OrganisationRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: CreateAccountCommand): Promise<Account> {
    const org = await this.orgs.findById(scopedOrgId(command.caller, command.orgId));
    if (!org) throw new NotFoundError('organisation');

    const mfa = org.mfaRequired || command.roles.some((r) => ADMIN_ROLES.has(r));
    const violations = new Violations();
    checkNewPassword(command.password, { mfa, loginName: command.fields.loginName }, violations);
    violations.throwIfAny();
    if (await this.accounts.findByLoginName(command.fields.loginName))
      throw new AlreadyExistsError('login name');

    const passwordHash = await this.hasher.hash(command.password);
    const account: Account = {
      id: randomUUID(),
      orgId: org.id,
      ...command.fields,
      roles: [...command.roles],
      mfaEnrolled: false,
      federated: null,
      createdAt: this.clock.now(),
    };
    const entry = (
      action: IdentityAuditEntry['action'],
      detail?: Record<string, string>,
    ): IdentityAuditEntry => ({
      orgId: org.id,
      ...callerActing(command.caller),
      action,
      target: { type: 'account', id: account.id },
      outcome: 'success',
      sourceAddress: command.from.sourceAddress,
      userAgent: command.from.userAgent,
      ...(detail ? { detail } : {}),
    });
    return this.unitOfWork.run(async (tx) => {
      await tx.accounts.insert(account, passwordHash);
      await recordBeforeCommit(this.audit, [
        entry('account.created'),
        ...account.roles.map((role) => entry('role.granted', { role })),
      ]);
      return account;
    });
  }
}
