import { Inject, Injectable } from '@nestjs/common';
import { accountActor, recordOrUndo } from '../audit-or-undo';
import { NotFoundError } from '../identity.errors';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditTrail,
  SESSION_REPOSITORY,
  type SessionRepository,
} from '../identity.ports';
import { scopedOrgId } from '../org-scope';
import type { AccountActionCommand } from './account-action.command';

/**
 * Ends every session of an account in the admin's organisation (another organisation's account is
 * NotFoundError). Refresh stops at once; access tokens expire within their lifetime. The revocation
 * stands even if it cannot be audited (AuditUnavailableError tells the admin to retry).
 */
@Injectable()
export class RevokeSessionsUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: AccountActionCommand): Promise<{ sessionsRevoked: number }> {
    const orgId = scopedOrgId(command.caller, command.orgId);
    const account = await this.accounts.findById(orgId, command.accountId);
    if (!account) throw new NotFoundError('account');
    const sessionsRevoked = await this.sessions.revokeAllForAccount(
      account.id,
      'admin-revoked',
      this.clock.now(),
    );
    await recordOrUndo(
      this.audit,
      [
        {
          orgId,
          actor: accountActor(command.caller.accountId),
          action: 'auth.session.revoked',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          sourceAddress: command.from.sourceAddress,
          userAgent: command.from.userAgent,
          detail: { sessions: String(sessionsRevoked) },
        },
      ],
      async () => undefined,
    );
    return { sessionsRevoked };
  }
}
