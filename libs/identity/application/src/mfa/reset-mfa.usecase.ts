import { Inject, Injectable } from '@nestjs/common';
import { recordBeforeCommit } from '../audit-records';
import {
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  type IdentityAuditTrail,
  type IdentityUnitOfWork,
} from '../identity.ports';
import { findAccountInScope } from '../org-scope';
import type { AccountActionCommand } from '../sessions/account-action.command';
import { accountSessionsEndedEntries } from '../sessions/end-account-sessions';

/**
 * Clears an account's TOTP secret and recovery codes (it enrols again at its next sign-in) and ends
 * its sessions, for an account in the admin's organisation only. The reset, the ended sessions and
 * their records (auth.mfa.reset, auth.session.ended) are one unit of work: if the trail does not take
 * them, nothing changes (AuditUnavailableError, 'the change was not applied'). Removing a second
 * factor is a credential change, unlike ending access alone (RevokeSessionsUseCase), which stands.
 */
@Injectable()
export class ResetMfaUseCase {
  constructor(
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: AccountActionCommand): Promise<{ sessionsRevoked: number }> {
    const ending = { reason: 'mfa-reset', action: 'auth.mfa.reset', now: this.clock.now() } as const;
    return this.unitOfWork.run(async (tx) => {
      const target = await findAccountInScope(tx.accounts, command);
      await tx.accounts.clearMfa(target.account.id);
      const ended = await tx.sessions.revokeAllForAccount(target.account.id, ending.reason, ending.now);
      await recordBeforeCommit(this.audit, accountSessionsEndedEntries(command, target, ending, ended));
      return { sessionsRevoked: ended.length };
    });
  }
}
