import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Agent } from 'node:https';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { createOutboundFetch, type OutboundFetch, WORKLOADS } from '@ferry/providers/core';
import { type FaultRuleInput, type Sandbox, startTestSandbox } from '@ferry/sandbox';
import type { GoogleConnectionCheckInput } from '../connection.check';
import type { GoogleEndpoints } from '../google-endpoints.config';
import { parseServiceAccountKey, type ServiceAccountKey } from '../service-account-key.parser';
import { GoogleServiceAccountClient } from '../service-account.client';

/** The seeded Google tenant of a sandbox, with outbound fetches built the way production builds them. */
export interface GoogleSandbox {
  readonly sandbox: Sandbox;
  readonly endpoints: GoogleEndpoints;
  readonly key: ServiceAccountKey;
  readonly keyJson: string;
  readonly customerId: string;
  readonly adminUser: string;
  /** Non-admin users, with their sign-in passwords. */
  readonly users: readonly { readonly email: string; readonly password: string; readonly id: string }[];
  readonly oauthClient: { readonly clientId: string; readonly clientSecret: string };
  /** Allow-lists 127.0.0.1 (the sandbox), as an operator would for it. */
  readonly fetch: OutboundFetch;
  /** The default policy: loopback refused. */
  readonly refusingFetch: OutboundFetch;
  /** Builds another allow-listed fetch, e.g. with a short timeout. */
  fetchWith(options: { timeoutMs: number }): OutboundFetch;
  /** Replaces the scopes delegated to the seeded service account (the admin console's DWD page). */
  setDelegation(scopes: readonly string[]): Promise<void>;
  /** Registers redirect URIs for the seeded OAuth client. */
  setRedirectUris(uris: readonly string[]): Promise<void>;
  /** The seeded key with its private key replaced: what Google sees after the key was deleted. */
  deletedKey(): ServiceAccountKey;
  /** A connection test of every workload for the seeded tenant, through the allow-listed fetch. */
  connectionInput(): GoogleConnectionCheckInput;
  /** Adds a sandbox fault rule (e.g. a 503 or latency on `google.oauth.token`). */
  injectFault(rule: FaultRuleInput): Promise<void>;
  /** Requests counted by the sandbox for an operation, e.g. `google.oauth.token`. */
  requestsFor(operation: string): Promise<number>;
  close(): Promise<void>;
}

async function inspect(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!res.ok) throw new Error(`inspection call answered ${res.status}`);
  return res.json();
}

/**
 * Starts a sandbox in the CA directory the test runner made this process trust (see
 * libs/sandbox/README.md) with one small tenant per cloud, and returns the Google side.
 */
export async function startGoogleSandbox(): Promise<GoogleSandbox> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'providers-google',
      google: { tenants: [{ domain: 'fabrikam.example', users: 2 }] },
      microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }] },
    },
  });
  const google = sandbox.endpoints.google;
  const origin = new URL(sandbox.endpoints.googleRoot).origin;
  const keyJson = JSON.stringify(google.serviceAccountKey);
  const listed = (await inspect(`${sandbox.endpoints.inspect}/google/${google.customerId}/users`)) as {
    users: { id: string; primaryEmail: string; password: string }[];
  };
  const agents: Agent[] = [];
  const build = (allow: readonly string[], timeoutMs?: number): OutboundFetch => {
    const policy = new DestinationPolicy({ allow });
    const agent = createOutboundAgent(policy);
    agents.push(agent);
    return createOutboundFetch({ policy, agent, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  };
  const allowed = build(['127.0.0.1']);
  const endpoints: GoogleEndpoints = {
    apiRoot: sandbox.endpoints.googleRoot,
    authUri: `${origin}/o/oauth2/v2/auth`,
    tokenUri: sandbox.endpoints.googleTokenUri,
  };
  return {
    sandbox,
    endpoints: {
      apiRoot: sandbox.endpoints.googleRoot,
      authUri: `${origin}/o/oauth2/v2/auth`,
      tokenUri: sandbox.endpoints.googleTokenUri,
    },
    key: parseServiceAccountKey(keyJson),
    keyJson,
    customerId: google.customerId,
    adminUser: google.adminUser,
    users: listed.users
      .filter((u) => u.primaryEmail !== google.adminUser)
      .map((u) => ({ email: u.primaryEmail, password: u.password, id: u.id })),
    oauthClient: google.oauthClient,
    fetch: allowed,
    refusingFetch: build([]),
    fetchWith: ({ timeoutMs }) => build(['127.0.0.1'], timeoutMs),
    setDelegation: async (scopes) => {
      await inspect(`${sandbox.endpoints.inspect}/google/${google.customerId}/delegation`, {
        method: 'PUT',
        body: JSON.stringify({ clientEmail: google.serviceAccountKey['client_email'], scopes }),
      });
    },
    setRedirectUris: async (redirectUris) => {
      await inspect(
        `${sandbox.endpoints.inspect}/google/${google.customerId}/oauth-clients/${encodeURIComponent(google.oauthClient.clientId)}`,
        {
          method: 'PUT',
          body: JSON.stringify({ redirectUris }),
        },
      );
    },
    deletedKey: () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const key = JSON.parse(keyJson) as Record<string, unknown>;
      key['private_key_id'] = randomBytes(20).toString('hex');
      key['private_key'] = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      return parseServiceAccountKey(JSON.stringify(key));
    },
    connectionInput: () => ({
      serviceAccount: new GoogleServiceAccountClient({
        key: parseServiceAccountKey(keyJson),
        fetch: allowed,
      }),
      clientId: google.serviceAccountKey['client_id'] ?? '',
      adminUser: google.adminUser,
      customerId: google.customerId,
      workloads: WORKLOADS,
      endpoints,
      fetch: allowed,
    }),
    injectFault: async (rule) => {
      await inspect(`${sandbox.endpoints.inspect}/faults`, { method: 'POST', body: JSON.stringify(rule) });
    },
    requestsFor: async (operation) => {
      const stats = (await inspect(`${sandbox.endpoints.inspect}/stats`)) as {
        operations: Record<string, { requests: number } | undefined>;
      };
      return stats.operations[operation]?.requests ?? 0;
    },
    close: async () => {
      for (const agent of agents) agent.destroy();
      await sandbox.close();
    },
  };
}
