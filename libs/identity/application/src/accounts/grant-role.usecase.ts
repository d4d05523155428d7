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
import { sortRoles } from './account-fields';
import { applyRequestedRoleChange } from './apply-role-change';
import type { RoleChangeCommand } from './role-change.command';

/**
 * Grants one role to an account of the caller's organisation (another organisation's account is
 * NotFoundError). Granting a role the account holds changes nothing and records nothing. The grant,
 * the sessions it ends and their records are one unit of work: refused whole if the trail is down.
 */
@Injectable()
export class GrantRoleUseCase {
  constructor(
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: RoleChangeCommand): Promise<Account> {
    return this.unitOfWork.run(async (tx) => {
      const { account } = await findAccountInScope(tx.accounts, command);
      return applyRequestedRoleChange(
        { tx, audit: this.audit },
        { command, account, roles: sortRoles([...account.roles, command.role]), now: this.clock.now() },
      );
    });
  }
}
