import {
  type ConnectionFinding,
  type ConnectionReport,
  type IssuedToken,
  type OutboundFetch,
  ProviderError,
  reportOf,
  type Workload,
} from '@ferry/providers/core';
import { probeDirectory } from './directory.probe';
import type { GoogleEndpoints } from './google-endpoints.config';
import { GOOGLE_DIRECTORY_USER_READONLY_SCOPE, googleDelegationScopesFor } from './google-scopes';
import { requireAddress } from './input-checks';
import type { GoogleServiceAccountClient } from './service-account.client';

/** What a Google Workspace connection test needs. */
export interface GoogleConnectionCheckInput {
  readonly serviceAccount: GoogleServiceAccountClient;
  /** The service account's numeric client id, named in remedies (the value the admin console asks for). */
  readonly clientId: string;
  /** A super admin (or an admin with Users > Read) the service account acts as for directory calls. */
  readonly adminUser: string;
  /** The Workspace customer id (Admin console > Account > Account settings), or `my_customer`. */
  readonly customerId: string;
  readonly workloads: readonly Workload[];
  readonly endpoints: GoogleEndpoints;
  /** The SSRF-guarded outbound fetch, for the Admin SDK call. */
  readonly fetch: OutboundFetch;
}

const DWD_PAGE =
  'Google Admin console > Security > Access and data control > API controls > Manage Domain Wide Delegation';
const CUSTOMER_ID = /^(?:my_customer|C[0-9A-Za-z]{4,20})$/;

type Attempt = { readonly token: IssuedToken } | { readonly error: ProviderError };

/**
 * Checks a Google Workspace connection against the tenant: the key (`credentials`: a token for the admin
 * user with the directory read scope), every scope the workloads need (`scope:<url>`: a token with that
 * scope alone; not delegated is `missing`, with the admin console path and value to add), and the admin
 * user's directory access (`directory`: a real Admin SDK users.list). A refused key stops the test after
 * `credentials`. Tokens live only for the duration of one call.
 *
 * @throws ProviderError `invalid-input` for a malformed admin user, customer id, client id or workload.
 */
export async function checkGoogleConnection(input: GoogleConnectionCheckInput): Promise<ConnectionReport> {
  requireAddress('adminUser', input.adminUser);
  if (!CUSTOMER_ID.test(input.customerId))
    throw new ProviderError('invalid-input', 'customerId must be a Google customer id (C…) or my_customer');
  if (!/^[0-9]{1,30}$/.test(input.clientId))
    throw new ProviderError('invalid-input', 'clientId must be the numeric client id of the service account');
  const scopes = googleDelegationScopesFor(input.workloads);
  const attempt = (scope: string): Promise<Attempt> =>
    input.serviceAccount.acquireDelegatedToken(input.adminUser, [scope]).then(
      (token) => ({ token }),
      (error: unknown) => {
        if (error instanceof ProviderError) return { error };
        throw error;
      },
    );

  const directoryAttempt = await attempt(GOOGLE_DIRECTORY_USER_READONLY_SCOPE);
  const credentials = credentialsFinding(directoryAttempt);
  if (credentials.status !== 'ok') return reportOf([credentials]);

  // The directory scope's answer is the credentials attempt's: one token request per scope per check.
  const scopeFindings = await Promise.all(
    scopes.map(async (scope) => {
      const outcome =
        scope === GOOGLE_DIRECTORY_USER_READONLY_SCOPE ? directoryAttempt : await attempt(scope);
      return scopeFinding(scope, outcome, input.clientId);
    }),
  );
  return reportOf([credentials, ...scopeFindings, await directoryFinding(input, directoryAttempt)]);
}

function credentialsFinding(attempt: Attempt): ConnectionFinding {
  // unauthorized_client comes after Google verified the assertion: the key works, a scope is missing.
  if ('token' in attempt || attempt.error.code === 'not-authorized') {
    return { check: 'credentials', status: 'ok', detail: 'Google accepted the service-account key' };
  }
  const error = attempt.error;
  return { check: 'credentials', status: 'failed', detail: error.message, remedy: credentialsRemedy(error) };
}

function credentialsRemedy(error: ProviderError): string {
  switch (error.code) {
    case 'invalid-credentials':
    case 'unknown-client':
      return 'Google Cloud console > IAM & Admin > Service Accounts: create a new JSON key for the service account (or recreate the account), then replace the key in this connector';
    case 'unknown-tenant':
      return "Set the connector's admin user to an existing, active administrator of the Workspace domain";
    case 'throttled':
    case 'unreachable':
    case 'provider-error':
      return 'Try the test again later; if it keeps failing, check that this server can reach Google';
    case 'destination-refused':
      return "Google's token endpoint is refused by Ferry's outbound destination policy: check the key's token_uri and the policy's allow-list";
    case 'invalid-input':
    case 'invalid-grant':
    case 'not-authorized':
      return 'Check the connector settings (service-account key, admin user, customer id)';
  }
}

function scopeFinding(scope: string, attempt: Attempt, clientId: string): ConnectionFinding {
  const check = `scope:${scope}`;
  if ('token' in attempt) return { check, status: 'ok', detail: 'delegated to the service account' };
  if (
    attempt.error.code === 'not-authorized' &&
    attempt.error.details.providerCode !== 'unauthorized_client'
  ) {
    // admin_policy_enforced / access_denied: API controls block the app, whatever is delegated.
    return {
      check,
      status: 'missing',
      detail: 'an administrator policy blocks the service account',
      remedy: `Google Admin console > Security > Access and data control > API controls > Manage third-party app access: trust client ID ${clientId}`,
    };
  }
  if (attempt.error.code === 'not-authorized') {
    return {
      check,
      status: 'missing',
      detail: 'not delegated to the service account',
      remedy: `${DWD_PAGE}: edit client ID ${clientId} and add ${scope}`,
    };
  }
  return { check, status: 'failed', detail: attempt.error.message, remedy: credentialsRemedy(attempt.error) };
}

async function directoryFinding(
  input: GoogleConnectionCheckInput,
  attempt: Attempt,
): Promise<ConnectionFinding> {
  const check = 'directory';
  if (!('token' in attempt)) {
    return {
      check,
      status: 'missing',
      detail: 'the directory cannot be read until its scope is delegated',
      remedy: `${DWD_PAGE}: edit client ID ${input.clientId} and add ${GOOGLE_DIRECTORY_USER_READONLY_SCOPE}`,
    };
  }
  let probe: Awaited<ReturnType<typeof probeDirectory>>;
  try {
    probe = await probeDirectory({
      accessToken: attempt.token.accessToken,
      customerId: input.customerId,
      endpoints: input.endpoints,
      fetch: input.fetch,
    });
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { check, status: 'failed', detail: error.message, remedy: credentialsRemedy(error) };
  }
  if (probe.ok) return { check, status: 'ok', detail: 'the admin user can list the directory' };
  if (probe.status === 403) {
    return {
      check,
      status: 'missing',
      detail: 'Google refused the admin user access to the directory (403)',
      remedy:
        "Google Admin console > Account > Admin roles: give the connector's admin user a role with the Admin API privilege Users > Read (or Super Admin), and check that the customer id is the one in Admin console > Account > Account settings",
    };
  }
  if (probe.status === 400 || probe.status === 404) {
    return {
      check,
      status: 'missing',
      detail: `Google refused the customer id (${probe.status})`,
      remedy:
        "Set the connector's customer id to the one in Google Admin console > Account > Account settings > Customer ID",
    };
  }
  return {
    check,
    status: 'failed',
    detail: `Admin SDK Directory answered ${probe.status}${probe.reason ? ` (${probe.reason})` : ''}`,
    remedy: 'Try the test again later',
  };
}
