import type { Account, SessionRevokeReason } from '@ferry/identity/domain';
import { accountActionEntry, accountActor, recordOrRaise } from '../audit-or-undo';
import type { IdentityAuditEntry, IdentityAuditTrail, SessionRepository } from '../identity.ports';
import type { AccountActionCommand } from './account-action.command';

/**
 * Ends every session of an account at an admin's request and audits `action` with the count. The
 * revocation stands even if it cannot be audited (AuditUnavailableError tells the admin to retry).
 */
export async function endAccountSessions(
  ports: { sessions: SessionRepository; audit: IdentityAuditTrail },
  command: AccountActionCommand,
  target: { orgId: string; account: Account },
  ending: { reason: SessionRevokeReason; action: IdentityAuditEntry['action']; now: Date },
): Promise<{ sessionsRevoked: number }> {
  const { orgId, account } = target;
  const sessionsRevoked = await ports.sessions.revokeAllForAccount(account.id, ending.reason, ending.now);
  await recordOrRaise(ports.audit, [
    accountActionEntry({
      orgId,
      actor: accountActor(command.caller.accountId),
      action: ending.action,
      accountId: account.id,
      from: command.from,
      detail: { sessions: String(sessionsRevoked) },
    }),
  ]);
  return { sessionsRevoked };
}
