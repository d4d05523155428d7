import {
  type ConnectionFinding,
  type ConnectionReport,
  type OutboundFetch,
  ProviderError,
  reportOf,
  type Workload,
} from '@ferry/providers/core';
import { createGraphClient, graphProviderError } from './graph-client';
import { coverage, GRAPH_APPLICATION_PERMISSIONS } from './graph-permissions';
import type { MicrosoftIdentityClient } from './identity-client';
import type { MicrosoftEndpoints } from './microsoft-cloud';

/** What a connection test needs: the connector's identity client, its cloud, the fetch and the enabled workloads. */
export interface MicrosoftConnectionCheckOptions {
  readonly identity: MicrosoftIdentityClient;
  readonly endpoints: MicrosoftEndpoints;
  readonly fetch: OutboundFetch;
  /** The workloads the connector is enabled for; each adds the permissions it needs. */
  readonly workloads: readonly Workload[];
}

const appPath = (clientId: string): string =>
  `Entra admin center > App registrations > (the app with Application (client) ID ${clientId})`;

/** Turns a failure into "what happened" and "what the admin does about it", in the console's terms. */
function credentialFinding(error: ProviderError, identity: MicrosoftIdentityClient): ConnectionFinding {
  const app = appPath(identity.clientId);
  const secrets = `${app} > Certificates & secrets`;
  const remedies: Record<string, string> = {
    'invalid-credentials':
      identity.credentialKind === 'certificate'
        ? `the certificate was rejected or has expired: upload the connector's certificate (SHA-1 thumbprint ${identity.certificateThumbprint ?? ''}) under ${secrets} > Certificates, or create a new certificate, upload it there and update the connector`
        : error.details.providerCode === 'AADSTS7000222'
          ? `the client secret has expired: create a new secret under ${secrets} and update the connector`
          : `the client secret was rejected: create a new secret under ${secrets} and update the connector`,
    'unknown-tenant': `check the tenant ID (Entra admin center > Overview > Tenant ID) and that the connector's cloud (global, US Government, China) is the one the tenant lives in`,
    'unknown-client': `check the Application (client) ID under ${app} > Overview; for an app registered in another tenant, have an administrator of this tenant open Ferry's admin-consent link`,
    'not-authorized': `grant admin consent under ${app} > API permissions > Grant admin consent`,
    throttled: `Entra ID is throttling this app: run the test again${error.details.retryAfterSeconds !== undefined ? ` after ${error.details.retryAfterSeconds} seconds` : ' later'}`,
    unreachable: `Ferry could not reach ${identity.endpoints.authorityHost}: check the connector's cloud and the cluster's outbound HTTPS access`,
    'destination-refused': `${identity.endpoints.authorityHost} is refused by Ferry's outbound destination policy: use a published cloud, or have the operator allow-list a private endpoint`,
  };
  return {
    check: 'credentials',
    status: 'failed',
    detail: error.message,
    remedy:
      remedies[error.code] ??
      'Entra ID answered unexpectedly: run the test again, and check the Microsoft 365 service health if it persists',
  };
}

/** One `permission:<Name>` finding per application permission the workloads need, judged by the token's roles. */
export function permissionFindings(
  workloads: readonly Workload[],
  granted: readonly string[],
  clientId: string,
): ConnectionFinding[] {
  const needs = new Map<string, Workload[]>();
  for (const w of workloads)
    for (const p of GRAPH_APPLICATION_PERMISSIONS[w]) needs.set(p, [...(needs.get(p) ?? []), w]);
  return [...needs].map(([name, by]): ConnectionFinding => {
    const c = coverage(name, granted);
    const purpose = `needed for ${by.join(', ')}`;
    if (c.covered)
      return {
        check: `permission:${name}`,
        status: 'ok',
        detail: c.via ? `granted through the broader ${c.via} (${purpose})` : `granted (${purpose})`,
      };
    return {
      check: `permission:${name}`,
      status: 'missing',
      detail: `the application permission ${name} is not granted (${purpose})`,
      remedy: `${appPath(clientId)} > API permissions > Add a permission > Microsoft Graph > Application permissions > ${name}, then Grant admin consent`,
    };
  });
}

/** A real Graph call with the token: the cheapest read, which also shows the token fits this cloud's Graph. */
async function graphFinding(
  options: MicrosoftConnectionCheckOptions,
  accessToken: string,
  granted: readonly string[],
): Promise<ConnectionFinding> {
  const client = createGraphClient({
    endpoints: options.endpoints,
    fetch: options.fetch,
    accessToken: () => Promise.resolve(accessToken),
  });
  try {
    await client.api('/users').top(1).select('id').get();
    return { check: 'graph', status: 'ok', detail: 'Microsoft Graph accepted the token and listed users' };
  } catch (err) {
    const error = graphProviderError(err);
    const canListUsers = coverage('User.Read.All', granted).covered;
    // A 403 proves Graph authenticated the token; without a directory permission it is the expected answer.
    if (error.code === 'not-authorized' && !canListUsers) {
      return {
        check: 'graph',
        status: 'ok',
        detail:
          'Microsoft Graph accepted the token (listing users needs User.Read.All, which is not granted)',
      };
    }
    const remedies: Record<string, string> = {
      'not-authorized':
        'the permission is granted but Graph does not apply it yet: consent can take a few minutes to reach Graph, run the test again',
      'invalid-credentials':
        "Microsoft Graph rejected the token: check that the connector's cloud matches the tenant's (a token from one cloud is not valid at another cloud's Graph)",
      throttled: `Microsoft Graph is throttling this app: run the test again${error.details.retryAfterSeconds !== undefined ? ` after ${error.details.retryAfterSeconds} seconds` : ' later'}`,
      unreachable: `Ferry could not reach ${options.endpoints.graphOrigin}: check the cluster's outbound HTTPS access`,
      'destination-refused': `${options.endpoints.graphOrigin} is refused by Ferry's outbound destination policy`,
    };
    return {
      check: 'graph',
      status: 'failed',
      detail: error.message,
      remedy:
        remedies[error.code] ??
        'run the test again, and check the Microsoft 365 service health if it persists',
    };
  }
}

/**
 * The connection test of a Microsoft 365 connector: `credentials` (an app-only token, or why not and
 * how to fix it; nothing else is checked without a token), then `permission:<Name>` for every
 * application permission the enabled workloads need, then `graph` from a real Graph request.
 * Findings are Ferry's words: no secret, token or user address.
 */
export async function checkMicrosoftConnection(
  options: MicrosoftConnectionCheckOptions,
): Promise<ConnectionReport> {
  const { identity } = options;
  let token;
  try {
    token = await identity.acquireAppToken();
  } catch (err) {
    const error =
      err instanceof ProviderError
        ? err
        : new ProviderError('provider-error', 'the token request failed unexpectedly');
    return reportOf([credentialFinding(error, identity)]);
  }
  return reportOf([
    {
      check: 'credentials',
      status: 'ok',
      detail: `Entra ID issued an app-only token for tenant ${identity.tenantId}`,
    },
    ...permissionFindings(options.workloads, token.granted, identity.clientId),
    await graphFinding(options, token.accessToken, token.granted),
  ]);
}
