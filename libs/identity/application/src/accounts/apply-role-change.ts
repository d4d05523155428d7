import type { Account } from '@ferry/identity/domain';
import type { RoleName } from '@ferry/platform/rbac';
import { callerActing, recordOrUndo, sessionEndedEntries } from '../audit-or-undo';
import type { CallerInfo } from '../caller';
import type {
  AccountRepository,
  IdentityAuditEntry,
  IdentityAuditTrail,
  SessionRepository,
} from '../identity.ports';
import type { RoleChangeCommand } from './role-change.command';

/** What a role change needs from the ports. */
export interface RoleChangePorts {
  readonly accounts: AccountRepository;
  readonly sessions: SessionRepository;
  readonly audit: IdentityAuditTrail;
}

/**
 * Stores `roles` on the account, ends its sessions (reason `role-changed`) so the change holds now
 * rather than at the next refresh, and audits one role.granted / role.revoked per role that changed
 * (in `sessionId`, the session of the admin who asked, if any), then each ended session
 * (`auth.session.ended`). If the audit cannot be stored, the previous roles are put back; the ended
 * sessions stay ended.
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

  await ports.accounts.setRoles(account.id, roles);
  const ended = await ports.sessions.revokeAllForAccount(account.id, 'role-changed', change.now);
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
  await recordOrUndo(
    ports.audit,
    [...granted.map((r) => entry('role.granted', r)), ...revoked.map((r) => entry('role.revoked', r)), ...endings],
    () => ports.accounts.setRoles(account.id, account.roles),
  );
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
