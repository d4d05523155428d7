import { ConnectorStateError, type CredentialAccess, type UserLoginSample } from '@ferry/connectors/application';
import { type ConnectionFinding, ProviderError } from '@ferry/providers/core';
import type { StoredGrant } from './microsoft.tenant';
import { parseStoredCredential } from './tenant.adapter';

/** What a delegated connector's test needs from its provider: a refresh, and whether a grant covers a scope. */
export interface GrantCheck {
  readonly samples: readonly UserLoginSample[];
  readonly credentials: CredentialAccess;
  /** The delegated scopes the connector's workloads need. */
  readonly required: readonly string[];
  refresh(refreshToken: string): Promise<{ readonly granted: readonly string[]; readonly refreshToken?: string }>;
  covers(scope: string, granted: readonly string[]): boolean;
}

const REGRANT = 'ask the user to grant access again: POST /api/v1/orgs/{org}/connectors/{id}/delegations, then open the link as that user';

/**
 * A delegated connector works per user: its test refreshes a sample of the stored grants (labelled by
 * pseudonym, never by address) and checks each covers every scope the workloads need. A refresh
 * also proves the app's own credential, which the token endpoint checks with it.
 */
export async function checkDelegatedGrants(check: GrantCheck): Promise<ConnectionFinding[]> {
  if (check.samples.length === 0) {
    return [{ check: 'grants', status: 'missing', detail: 'no user has granted access yet', remedy: REGRANT }];
  }
  const findings: ConnectionFinding[] = [];
  for (const sample of check.samples) {
    const check_ = `grant:${sample.label}`;
    const stored = await check.credentials.open(sample.field);
    if (stored === null) continue;
    try {
      const { refreshToken } = parseStoredCredential(stored, ['refreshToken']);
      const grant = await check.refresh(refreshToken);
      if (grant.refreshToken && grant.refreshToken !== refreshToken) {
        await check.credentials.replace(sample.field, JSON.stringify({ refreshToken: grant.refreshToken } satisfies StoredGrant), stored);
      }
      const missing = check.required.filter((scope) => !check.covers(scope, grant.granted));
      findings.push(
        missing.length === 0
          ? { check: check_, status: 'ok', detail: 'the grant refreshed and covers every scope the workloads need' }
          : { check: check_, status: 'missing', detail: `the grant lacks ${missing.join(', ')}`, remedy: REGRANT },
      );
    } catch (err) {
      if (err instanceof ConnectorStateError) {
        findings.push({ check: check_, status: 'failed', detail: err.message, remedy: REGRANT });
        continue;
      }
      if (!(err instanceof ProviderError)) throw err;
      const revoked = err.code === 'invalid-grant';
      // Asked for scopes the user never consented to (or the admin withdrew): the grant must be renewed.
      if (err.code === 'not-authorized') {
        findings.push({ check: check_, status: 'missing', detail: 'the grant does not cover the scopes the workloads need', remedy: REGRANT });
        continue;
      }
      findings.push({
        check: check_,
        status: 'failed',
        detail: revoked ? 'the grant was revoked or has expired' : `the refresh failed (${err.code}): ${err.message}`,
        remedy: revoked ? REGRANT : 'check the OAuth client or app registration and its secret, then test again',
      });
    }
  }
  return findings;
}
