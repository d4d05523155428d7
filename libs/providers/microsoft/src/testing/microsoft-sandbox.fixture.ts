import type { Agent } from 'node:https';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { createOutboundFetch, type OutboundFetch } from '@ferry/providers/core';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import type { MicrosoftClientCredential } from '../client-credential';
import { MicrosoftIdentityClient, type MicrosoftIdentityClientOptions } from '../identity-client';
import type { MicrosoftEndpoints } from '../microsoft-cloud';

/** A Microsoft user of a sandbox tenant, with the password its sign-in page accepts. */
export interface SandboxUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly password: string;
}

/** What the inspection API changes on an app (the admin center's API permissions and redirect URIs). */
export interface AppChange {
  readonly applicationPermissions?: readonly string[];
  readonly delegatedPermissions?: readonly string[];
  readonly redirectUris?: readonly string[];
}

/** A sandbox with two Entra tenants (Ferry's app is registered in the first), seen as Ferry sees Microsoft 365. */
export interface MicrosoftSandbox {
  readonly sandbox: Sandbox;
  /** The sandbox's Entra and Graph origins: a "cloud" of its own. */
  readonly endpoints: MicrosoftEndpoints;
  readonly tenantId: string;
  /** A second tenant where the app is not registered (admin consent creates it there). */
  readonly otherTenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly users: readonly SandboxUser[];
  readonly otherUsers: readonly SandboxUser[];
  /** Allow-lists 127.0.0.1 (the sandbox), as an operator would. */
  readonly fetch: OutboundFetch;
  /** The default policy: loopback refused. */
  readonly refusingFetch: OutboundFetch;
  /** An identity client for the seeded app (secret credential, allow-listed fetch) unless told otherwise. */
  identity(
    over?: Partial<MicrosoftIdentityClientOptions> & { credential?: MicrosoftClientCredential },
  ): MicrosoftIdentityClient;
  /** `PUT /_sandbox/microsoft/{tenant}/apps/{clientId}` on the seeded app. */
  changeApp(change: AppChange, tenant?: string): Promise<void>;
  /** Uploads a certificate to the app registration, as an admin does under Certificates & secrets. */
  registerCertificate(certificatePem: string): Promise<void>;
  /** Requests the sandbox counted for an operation, e.g. `entra.token`. */
  requestsFor(operation: string): Promise<number>;
  close(): Promise<void>;
}

async function inspect(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!res.ok) throw new Error(`the inspection API answered ${res.status} for ${new URL(url).pathname}`);
  return res.json();
}

/** Starts a sandbox in the CA directory the test runner made this process trust (libs/sandbox/README.md). */
export async function startMicrosoftSandbox(): Promise<MicrosoftSandbox> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'providers-microsoft',
      microsoft: {
        tenants: [
          { domain: 'contoso.example', users: 2 },
          { domain: 'tailspin.example', users: 1 },
        ],
      },
      google: { tenants: [{ domain: 'fabrikam.example', users: 1 }] },
    },
  });
  const ms = sandbox.endpoints.microsoft;
  const otherTenantId = [...sandbox.context.directory.microsoft.keys()].find((t) => t !== ms.tenantId) ?? '';
  const usersOf = async (tenant: string) =>
    ((await inspect(`${sandbox.endpoints.inspect}/microsoft/${tenant}/users`)) as { value: SandboxUser[] })
      .value;
  const agents: Agent[] = [];
  const build = (allow: readonly string[]): OutboundFetch => {
    const policy = new DestinationPolicy({ allow });
    const agent = createOutboundAgent(policy);
    agents.push(agent);
    return createOutboundFetch({ policy, agent, timeoutMs: 10_000 });
  };
  const endpoints: MicrosoftEndpoints = {
    authorityHost: sandbox.endpoints.entraAuthority,
    graphOrigin: new URL(sandbox.endpoints.graph).origin,
  };
  const allowed = build(['127.0.0.1']);
  return {
    sandbox,
    endpoints,
    tenantId: ms.tenantId,
    otherTenantId,
    clientId: ms.clientId,
    clientSecret: ms.clientSecret,
    users: await usersOf(ms.tenantId),
    otherUsers: await usersOf(otherTenantId),
    fetch: allowed,
    refusingFetch: build([]),
    identity: (over = {}) =>
      new MicrosoftIdentityClient({
        tenantId: ms.tenantId,
        clientId: ms.clientId,
        credential: { kind: 'client-secret', secret: ms.clientSecret },
        endpoints,
        fetch: allowed,
        ...over,
      }),
    changeApp: async (change, tenant = ms.tenantId) => {
      await inspect(`${sandbox.endpoints.inspect}/microsoft/${tenant}/apps/${ms.clientId}`, {
        method: 'PUT',
        body: JSON.stringify(change),
      });
    },
    registerCertificate: async (certificate) => {
      await inspect(
        `${sandbox.endpoints.inspect}/microsoft/${ms.tenantId}/apps/${ms.clientId}/certificates`,
        { method: 'POST', body: JSON.stringify({ certificate }) },
      );
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
