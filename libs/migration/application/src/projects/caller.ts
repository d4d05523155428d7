import { MigrationAuditUnavailableError } from './control-plane.errors';
import type {
  MigrationAuditAction,
  MigrationAuditEntry,
  MigrationAuditTarget,
  MigrationAuditTrail,
} from './control-plane.ports';

/**
 * Who asked, from a verified token, and where the request came from. `accessToken` is kept only to
 * ask the connectors service on the caller's behalf; it is never audited, logged or stored.
 */
export interface ControlCaller {
  readonly accountId: string;
  readonly sourceAddress: string;
  readonly userAgent: string;
  readonly accessToken: string;
}

export function controlCaller(input: {
  accountId: string;
  sourceAddress?: string;
  userAgent?: string;
  accessToken?: string;
}): ControlCaller {
  return {
    accountId: input.accountId,
    sourceAddress: (input.sourceAddress ?? '').slice(0, 64),
    userAgent: (input.userAgent ?? '').slice(0, 256),
    accessToken: input.accessToken ?? '',
  };
}

/** A change by a signed-in account (or, without a caller, by the migration service itself). */
export function changeEntry(
  caller: ControlCaller | null,
  orgId: string,
  action: MigrationAuditAction,
  target: MigrationAuditTarget,
  detail: Readonly<Record<string, string>> = {},
): MigrationAuditEntry {
  return {
    orgId,
    actor: caller ? { kind: 'account', id: caller.accountId } : { kind: 'service', id: 'migration' },
    action,
    target,
    sourceAddress: caller?.sourceAddress ?? '',
    userAgent: caller?.userAgent ?? '',
    detail,
  };
}

/**
 * The audit step of a change, run before its transaction commits: a change that cannot be audited is
 * rolled back, never silently applied.
 */
export function auditBeforeCommit(
  audit: MigrationAuditTrail,
  entry: MigrationAuditEntry,
): () => Promise<void> {
  return async () => {
    try {
      await audit.record(entry);
    } catch {
      throw new MigrationAuditUnavailableError();
    }
  };
}
