import { Inject, Injectable } from '@nestjs/common';
import type { Account } from '@ferry/identity/domain';
import {
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  type IdentityAuditTrail,
  type IdentityUnitOfWork,
} from '../identity.ports';
import { findAccountInScope } from '../org-scope';
import { applyRequestedRoleChange } from './apply-role-change';
import type { RoleChangeCommand } from './role-change.command';
import { LastOrgAdminError } from './role-change.errors';

/**
 * Revokes one role from an account of the caller's organisation (another organisation's account is
 * NotFoundError). The organisation's last org-admin keeps the role (LastOrgAdminError), whoever
 * asks: that covers an org-admin demoting themselves as the only one. Revoking a role the account
 * does not hold changes nothing and records nothing. Like a grant, refused whole if the trail is down.
 */
@Injectable()
export class RevokeRoleUseCase {
  constructor(
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: RoleChangeCommand): Promise<Account> {
    return this.unitOfWork.run(async (tx) => {
      const { orgId, account } = await findAccountInScope(tx.accounts, command);
      if (!account.roles.includes(command.role)) return account;
      if (command.role === 'org-admin') {
        const admins = (await tx.accounts.listByOrg(orgId)).filter((a) => a.roles.includes('org-admin'));
        if (admins.every((a) => a.id === account.id)) throw new LastOrgAdminError();
      }
      return applyRequestedRoleChange(
        { tx, audit: this.audit },
        { command, account, roles: account.roles.filter((r) => r !== command.role), now: this.clock.now() },
      );
    });
  }
}
