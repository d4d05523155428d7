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
import { applyRequestedRoleChange } from './apply-role-change';
import { RoleChangeCommand } from './role-change.command';
import { LastOrgAdminError } from './role-change.errors';

/**
 * Revokes one role from an account of the caller's organisation (another organisation's account is
 * NotFoundError). The organisation's last org-admin keeps the role (LastOrgAdminError), whoever
 * asks: that covers an org-admin demoting themselves as the only one. Revoking a role the account
 * does not hold changes nothing and records nothing.
 */
@Injectable()
export class RevokeRoleUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RoleChangeCommand): Promise<Account> {
    const { orgId, account } = await findAccountInScope(this.accounts, command);
    if (!account.roles.includes(command.role)) return account;
    if (command.role === 'org-admin') {
      const admins = (await this.accounts.listByOrg(orgId)).filter((a) => a.roles.includes('org-admin'));
      if (admins.every((a) => a.id === account.id)) throw new LastOrgAdminError();
    }
    return applyRequestedRoleChange(
      { accounts: this.accounts, sessions: this.sessions, audit: this.audit },
      { command, account, roles: account.roles.filter((r) => r !== command.role), now: this.clock.now() },
    );
  }
}
