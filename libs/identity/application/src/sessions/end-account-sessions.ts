import type { Account, SessionRevokeReason } from '@ferry/identity/domain';
import { accountActionEntry, callerActing, recordOrRaise, sessionEndedEntries } from '../audit-records';
import { AUDIT_UNAVAILABLE } from '../identity.errors';
import type { IdentityAuditEntry, IdentityAuditTrail, SessionRepository } from '../identity.ports';
import type { AccountActionCommand } from './account-action.command';

/** Which sessions an admin's action ended, why, and what it is audited as. */
export interface AccountSessionsEnding {
  readonly reason: SessionRevokeReason;
  readonly action: IdentityAuditEntry['action'];
  readonly now: Date;
}

/**
 * Ends every session of an account at an admin's request and audits `action` with the count (in the
 * admin's session), then each ended session (`auth.session.ended`, in that session's log). The
 * revocation stands even if it cannot be audited: AuditUnavailableError then tells the admin the
 * sessions were ended and their records are missing (a retry would end nothing more).
 */
export async function endAccountSessions(
  ports: { sessions: SessionRepository; audit: IdentityAuditTrail },
  command: AccountActionCommand,
  target: { orgId: string; account: Account },
  ending: AccountSessionsEnding,
): Promise<{ sessionsRevoked: number }> {
  const ended = await ports.sessions.revokeAllForAccount(target.account.id, ending.reason, ending.now);
  await recordOrRaise(
    ports.audit,
    accountSessionsEndedEntries(command, target, ending, ended),
    AUDIT_UNAVAILABLE.sessionsEnded,
  );
  return { sessionsRevoked: ended.length };
}

/** `action` on the account with the count of `ended`, then one `auth.session.ended` per ended session. */
export function accountSessionsEndedEntries(
  command: AccountActionCommand,
  target: { orgId: string; account: Account },
  ending: AccountSessionsEnding,
  ended: readonly string[],
): IdentityAuditEntry[] {
  const { orgId, account } = target;
  const { actor, sessionId } = callerActing(command.caller);
  return [
    accountActionEntry({
      orgId,
      actor,
      action: ending.action,
      accountId: account.id,
      from: command.from,
      detail: { sessions: String(ended.length) },
      sessionId,
    }),
    ...sessionEndedEntries({ orgId, actor, sessionIds: ended, reason: ending.reason, from: command.from }),
  ];
}
