import type { SessionRevokeReason } from '@ferry/identity/domain';
import type { AccessClaims } from '@ferry/platform/rbac';
import type { CallerInfo } from './caller';
import {
  AUDIT_UNAVAILABLE,
  type AuditUnavailableConsequence,
  AuditUnavailableError,
} from './identity.errors';
import type { IdentityAuditEntry, IdentityAuditTrail } from './identity.ports';

/** The audit actor of a signed-in caller. */
export function accountActor(accountId: string): IdentityAuditEntry['actor'] {
  return { kind: 'account', id: accountId };
}

/**
 * The actor of a signed-in caller and the session its access token names: what it does through the
 * API belongs to that session's log.
 */
export function callerActing(claims: AccessClaims): Pick<IdentityAuditEntry, 'actor' | 'sessionId'> {
  return { actor: accountActor(claims.accountId), sessionId: claims.sessionId };
}

/** Identity itself, for changes no person asked for (bootstrap, provisioning at SSO sign-in). */
export const IDENTITY_SERVICE_ACTOR: IdentityAuditEntry['actor'] = { kind: 'service', id: 'identity' };

/**
 * The audit step of a configuration change, run inside its unit of work, before it commits: records
 * `entries` in order, each awaited until the stream stored it. On the first failure it raises
 * AuditUnavailableError ('the change was not applied'), which rolls the change back. Records stored
 * before the failure remain: they describe an attempt that was then rolled back, as does a record
 * whose change fails to commit; a change that commits always has its records.
 */
export function recordBeforeCommit(
  audit: IdentityAuditTrail,
  entries: readonly IdentityAuditEntry[],
): Promise<void> {
  return recordAll(audit, entries, AUDIT_UNAVAILABLE.changeNotApplied);
}

/**
 * Records `entries` for an action that stands whether or not it is audited (ending access, a counted
 * failure): undoing it would be worse. AuditUnavailableError tells the caller the record is missing,
 * with `consequence` saying what happened to its request: a counted failure was refused ('the
 * request was not completed', the default); ending access says the sessions were ended, since they
 * stay ended and a retry would end nothing more.
 */
export function recordOrRaise(
  audit: IdentityAuditTrail,
  entries: readonly IdentityAuditEntry[],
  consequence: AuditUnavailableConsequence = AUDIT_UNAVAILABLE.requestNotCompleted,
): Promise<void> {
  return recordAll(audit, entries, consequence);
}

/** Records `entries` in order, each stored before the next; the first failure is AuditUnavailableError. */
async function recordAll(
  audit: IdentityAuditTrail,
  entries: readonly IdentityAuditEntry[],
  consequence: AuditUnavailableConsequence,
): Promise<void> {
  try {
    for (const entry of entries) await audit.record(entry);
  } catch {
    throw new AuditUnavailableError(consequence);
  }
}

/** A successful `action` on one account, by `actor`, from where the request came. */
export function accountActionEntry(input: {
  orgId: string | null;
  actor: IdentityAuditEntry['actor'];
  action: IdentityAuditEntry['action'];
  accountId: string;
  from: CallerInfo;
  detail?: Record<string, string>;
  sessionId?: string;
}): IdentityAuditEntry {
  return {
    orgId: input.orgId,
    actor: input.actor,
    action: input.action,
    target: { type: 'account', id: input.accountId },
    outcome: 'success',
    sourceAddress: input.from.sourceAddress,
    userAgent: input.from.userAgent,
    ...(input.detail && { detail: input.detail }),
    ...(input.sessionId && { sessionId: input.sessionId }),
  };
}

/**
 * One `auth.session.ended` per session a revocation ended, each carrying its own session id, so every
 * session's log shows how it ended (`reason`) and who ended it.
 */
export function sessionEndedEntries(input: {
  orgId: string | null;
  actor: IdentityAuditEntry['actor'];
  sessionIds: readonly string[];
  reason: SessionRevokeReason;
  from: CallerInfo;
}): IdentityAuditEntry[] {
  return input.sessionIds.map((sessionId) => ({
    orgId: input.orgId,
    actor: input.actor,
    action: 'auth.session.ended',
    target: { type: 'session', id: sessionId },
    outcome: 'success',
    sourceAddress: input.from.sourceAddress,
    userAgent: input.from.userAgent,
    detail: { reason: input.reason },
    sessionId,
  }));
}
