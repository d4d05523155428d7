import type { Account } from '@ferry/identity/domain';
import type { RoleName } from '@ferry/platform/rbac';
import { callerActing, recordBeforeCommit, sessionEndedEntries } from '../audit-records';
import type { CallerInfo } from '../caller';
import type { IdentityAuditEntry, IdentityAuditTrail, IdentityTransaction } from '../identity.ports';
import type { RoleChangeCommand } from './role-change.command';

/** What a role change needs: the repositories of the unit of work it runs in, and the trail. */
export interface RoleChangePorts {
  readonly tx: Pick<IdentityTransaction, 'accounts' | 'sessions'>;
  readonly audit: IdentityAuditTrail;
}

/**
 * Stores `roles` on the account, ends its sessions (reason `role-changed`) so the change holds now
 * rather than at the next refresh, and audits one role.granted / role.revoked per role that changed
 * (in `sessionId`, the session of the admin who asked, if any), then each ended session
 * (`auth.session.ended`), all inside the caller's unit of work: if a record cannot be stored, it
 * rolls back and neither the roles nor the sessions change.
 */
export async function applyRoleChange(
  ports: RoleChangePorts,
  change: {
    account: Account;
    roles: readonly RoleName[];
    actor: IdentityAuditEntry['actor'];
    from: CallerInfo;
    now: Date;
    detail?: Record<string, string>;
    sessionId?: string;
  },
): Promise<Account> {
  const { account, roles } = change;
  const granted = roles.filter((r) => !account.roles.includes(r));
  const revoked = account.roles.filter((r) => !roles.includes(r));
  if (granted.length === 0 && revoked.length === 0) return account;

  await ports.tx.accounts.setRoles(account.id, roles);
  const ended = await ports.tx.sessions.revokeAllForAccount(account.id, 'role-changed', change.now);
  const entry = (action: 'role.granted' | 'role.revoked', role: RoleName): IdentityAuditEntry => ({
    orgId: account.orgId,
    actor: change.actor,
    action,
    target: { type: 'account', id: account.id },
    outcome: 'success',
    sourceAddress: change.from.sourceAddress,
    userAgent: change.from.userAgent,
    detail: { ...change.detail, role },
    ...(change.sessionId && { sessionId: change.sessionId }),
  });
  const endings = sessionEndedEntries({
    orgId: account.orgId,
    actor: change.actor,
    sessionIds: ended,
    reason: 'role-changed',
    from: change.from,
  });
  await recordBeforeCommit(ports.audit, [
    ...granted.map((r) => entry('role.granted', r)),
    ...revoked.map((r) => entry('role.revoked', r)),
    ...endings,
  ]);
  return { ...account, roles: [...roles] };
}

/** applyRoleChange at an admin's request: audited as the calling account, from where the request came. */
export function applyRequestedRoleChange(
  ports: RoleChangePorts,
  request: { command: RoleChangeCommand; account: Account; roles: readonly RoleName[]; now: Date },
): Promise<Account> {
  const { command } = request;
  return applyRoleChange(ports, {
    account: request.account,
    roles: request.roles,
    ...callerActing(command.caller),
    from: command.from,
    now: request.now,
  });
}
