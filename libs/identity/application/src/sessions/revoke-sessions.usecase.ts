import { Inject, Injectable } from '@nestjs/common';
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
import { findAccountInScope } from '../org-scope';
import type { AccountActionCommand } from './account-action.command';
import { endAccountSessions } from './end-account-sessions';

/**
 * Ends every session of an account in the admin's organisation (another organisation's account is
 * NotFoundError). Refresh stops at once; access tokens expire within their lifetime. The revocation
 * stands even if it cannot be audited (AuditUnavailableError says so: the sessions were ended, their
 * records are missing).
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
    const target = await findAccountInScope(this.accounts, command);
    const ending = {
      reason: 'admin-revoked',
      action: 'auth.session.revoked',
      now: this.clock.now(),
    } as const;
    return endAccountSessions({ sessions: this.sessions, audit: this.audit }, command, target, ending);
  }
}
