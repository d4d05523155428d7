import type { Account, SessionRevokeReason } from '@ferry/identity/domain';
import { accountActionEntry, callerActing, recordOrRaise, sessionEndedEntries } from '../audit-or-undo';
import type { IdentityAuditEntry, IdentityAuditTrail, SessionRepository } from '../identity.ports';
import type { AccountActionCommand } from './account-action.command';

/**
 * Ends every session of an account at an admin's request and audits `action` with the count (in the
 * admin's session), then each ended session (`auth.session.ended`, in that session's log). The
 * revocation stands even if it cannot be audited (AuditUnavailableError tells the admin to retry).
 */
export async function endAccountSessions(
  ports: { sessions: SessionRepository; audit: IdentityAuditTrail },
  command: AccountActionCommand,
  target: { orgId: string; account: Account },
  ending: { reason: SessionRevokeReason; action: IdentityAuditEntry['action']; now: Date },
): Promise<{ sessionsRevoked: number }> {
  const { orgId, account } = target;
  const ended = await ports.sessions.revokeAllForAccount(account.id, ending.reason, ending.now);
  const { actor, sessionId } = callerActing(command.caller);
  await recordOrRaise(ports.audit, [
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
  ]);
  return { sessionsRevoked: ended.length };
}
