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
import type { AccountActionCommand } from '../sessions/account-action.command';
import { endAccountSessions } from '../sessions/end-account-sessions';

/**
 * Clears an account's TOTP secret and recovery codes (it enrols again at its next sign-in) and ends
 * its sessions, for an account in the admin's organisation only. Like revocation, the reset stands
 * if the audit trail is down; the admin is told (AuditUnavailableError) and can retry.
 */
@Injectable()
export class ResetMfaUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: AccountActionCommand): Promise<{ sessionsRevoked: number }> {
    const target = await findAccountInScope(this.accounts, command);
    await this.accounts.clearMfa(target.account.id);
    const ending = { reason: 'mfa-reset', action: 'auth.mfa.reset', now: this.clock.now() } as const;
    return endAccountSessions({ sessions: this.sessions, audit: this.audit }, command, target, ending);
  }
}
