import { AuditUnavailableError } from './identity.errors';
import type { IdentityAuditEntry, IdentityAuditTrail } from './identity.ports';

/** The audit actor of a signed-in caller. */
export function accountActor(accountId: string): IdentityAuditEntry['actor'] {
  return { kind: 'account', id: accountId };
}

/** Identity itself, for changes no person asked for (bootstrap, provisioning at SSO sign-in). */
export const IDENTITY_SERVICE_ACTOR: IdentityAuditEntry['actor'] = { kind: 'service', id: 'identity' };

/**
 * Records `entries` in order. A change that cannot be audited must not stand: on the first failure
 * `undo` runs and AuditUnavailableError is raised. Records stored before the failure remain; they
 * describe an attempt that was then undone.
 */
export async function recordOrUndo(
  audit: IdentityAuditTrail,
  entries: readonly IdentityAuditEntry[],
  undo: () => Promise<void>,
): Promise<void> {
  try {
    for (const entry of entries) await audit.record(entry);
  } catch {
    await undo();
    throw new AuditUnavailableError();
  }
}
