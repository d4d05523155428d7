import { AuditUnavailableError } from './connectors.errors';
import type { ConnectorAuditEntry, ConnectorAuditTrail } from './connector.ports';

/** Who asked, from a verified token, and where the request came from. */
export interface CallerInfo {
  readonly accountId: string;
  readonly sourceAddress: string;
  readonly userAgent: string;
}

export function callerInfo(input: { accountId: string; sourceAddress?: string; userAgent?: string }): CallerInfo {
  return { accountId: input.accountId, sourceAddress: (input.sourceAddress ?? '').slice(0, 64), userAgent: (input.userAgent ?? '').slice(0, 256) };
}

/** A successful change by a signed-in account. */
export function changeEntry(
  caller: CallerInfo,
  orgId: string,
  connectorId: string,
  action: ConnectorAuditEntry['action'],
  detail?: Record<string, string>,
): ConnectorAuditEntry {
  return {
    orgId,
    actor: { kind: 'account', id: caller.accountId },
    action,
    connectorId,
    outcome: 'success',
    sourceAddress: caller.sourceAddress,
    userAgent: caller.userAgent,
    ...(detail && { detail }),
  };
}

/**
 * The audit step of a change, run before its transaction commits: a configuration change that cannot
 * be audited is refused (rolled back), never silently applied.
 */
export function auditBeforeCommit(audit: ConnectorAuditTrail, entries: readonly ConnectorAuditEntry[]): () => Promise<void> {
  return async () => {
    try {
      for (const entry of entries) await audit.record(entry);
    } catch {
      throw new AuditUnavailableError();
    }
  };
}
