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
import type { AccountActionCommand } from '../sessions/account-action.command';

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
    const orgId = scopedOrgId(command.caller, command.orgId);
    const account = await this.accounts.findById(orgId, command.accountId);
    if (!account) throw new NotFoundError('account');
    await this.accounts.clearMfa(account.id);
    const sessionsRevoked = await this.sessions.revokeAllForAccount(
      account.id,
      'mfa-reset',
      this.clock.now(),
    );
    await recordOrUndo(
      this.audit,
      [
        {
          orgId,
          actor: accountActor(command.caller.accountId),
          action: 'auth.mfa.reset',
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
