import { Inject, Injectable } from '@nestjs/common';
import type { Account } from '@ferry/identity/domain';
import {
  ACCOUNT_REPOSITORY,
  AccountRepository,
  CLOCK,
  Clock,
  IDENTITY_AUDIT_TRAIL,
  IdentityAuditTrail,
  SESSION_REPOSITORY,
  SessionRepository,
} from '../identity.ports';
import { findAccountInScope } from '../org-scope';
import { sortRoles } from './account-fields';
import { applyRequestedRoleChange } from './apply-role-change';
import { RoleChangeCommand } from './role-change.command';

/**
 * Grants one role to an account of the caller's organisation (another organisation's account is
 * NotFoundError). Granting a role the account holds changes nothing and records nothing.
 */
@Injectable()
export class GrantRoleUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RoleChangeCommand): Promise<Account> {
    const { account } = await findAccountInScope(this.accounts, command);
    return applyRequestedRoleChange(
      { accounts: this.accounts, sessions: this.sessions, audit: this.audit },
      { command, account, roles: sortRoles([...account.roles, command.role]), now: this.clock.now() },
    );
  }
}
