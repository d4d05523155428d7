import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Sandbox } from '../sandbox';
import type { WorkloadFactory } from '../sandbox-context';
import type { ScenarioInput } from '../scenario/scenario.schema';
import { call, startTestSandbox } from './test-sandbox';

/** A sandbox for Graph directory/calendar/contacts/batch contract specs, with MSAL-issued tokens. */
export interface GraphKit {
  readonly sandbox: Sandbox;
  readonly tenantId: string;
  readonly users: readonly { id: string; userPrincipalName: string; password: string }[];
  /** Users of the second tenant, for isolation tests. */
  readonly otherUsers: readonly { id: string; userPrincipalName: string }[];
  /** The app-only token (client credentials through MSAL). */
  appToken(): Promise<string>;
  app(): Promise<Client>;
  /** A delegated client for `upn` (authorization code flow through the sandbox's sign-in form). */
  delegated(upn: string, scopes: readonly string[]): Promise<Client>;
  /** Replaces the app's consented application permissions. */
  setAppPermissions(permissions: readonly string[]): Promise<void>;
  inspect(path: string, init?: RequestInit): ReturnType<typeof call>;
  close(): Promise<void>;
}

/** A two-tenant scenario; `workloads` is the first tenant's workload sections. */
export function graphScenario(
  workloads: Record<string, Record<string, unknown>>,
  users = 3,
  groups = 1,
): ScenarioInput {
  return {
    name: 'graph-workloads-test',
    seed: 'graph-workloads-spec',
    throttle: { enabled: true, overrides: [] },
    microsoft: {
      tenants: [
        { domain: 'contoso.example', users, groups, workloads },
        { domain: 'other.example', users: 1, groups: 0, workloads },
      ],
    },
    google: { tenants: [{ domain: 'fabrikam.example', users: 0 }] },
  };
}

export function graphClient(sandbox: Sandbox, token: string): Client {
  const origin = sandbox.endpoints.graph.replace(/\/v1\.0$/, '');
  // customHosts: the client attaches the token only to hosts it knows as Graph.
  return Client.init({
    baseUrl: origin,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(origin).hostname]),
    authProvider: (done) => done(null, token),
  });
}

export async function startGraphKit(
  scenario: ScenarioInput,
  workloads: readonly WorkloadFactory[],
): Promise<GraphKit> {
  const sandbox = await startTestSandbox({ scenario, workloads });
  const { tenantId, clientId, clientSecret } = sandbox.endpoints.microsoft;
  const inspect = (path: string, init?: RequestInit) => call(`${sandbox.endpoints.inspect}${path}`, init);
  const listUsers = async (tenant: string) =>
    (
      (await inspect(`/microsoft/${tenant}/users`)).body as {
        value: { id: string; userPrincipalName: string; password: string }[];
      }
    ).value;
  const users = await listUsers(tenantId);
  const other = [...sandbox.context.directory.microsoft.values()].find((t) => t.tenantId !== tenantId);
  const otherUsers = other ? await listUsers(other.tenantId) : [];
  const authority = `${sandbox.endpoints.entraAuthority}/${tenantId}`;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId,
      clientSecret,
      authority,
      knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host],
    },
  });
  const redirectUri = 'http://localhost:5998/callback';
  const appToken = async () =>
    (
      await msal.acquireTokenByClientCredential({
        scopes: ['https://graph.microsoft.com/.default'],
        skipCache: true,
      })
    )?.accessToken ?? '';
  const json = (body: unknown): RequestInit => ({
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    sandbox,
    tenantId,
    users,
    otherUsers,
    appToken,
    app: async () => graphClient(sandbox, await appToken()),
    delegated: async (upn, scopes) => {
      await inspect(`/microsoft/${tenantId}/apps/${clientId}`, json({ redirectUris: [redirectUri] }));
      const user = users.find((u) => u.userPrincipalName === upn);
      if (!user) throw new Error('no such test user');
      const form = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: scopes.join(' '),
        username: upn,
        password: user.password,
      });
      const res = await fetch(`${authority}/oauth2/v2.0/authorize`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code');
      if (!code) throw new Error(`sign-in failed with ${res.status}`);
      const result = await msal.acquireTokenByCode({ code, redirectUri, scopes: [...scopes] });
      return graphClient(sandbox, result.accessToken);
    },
    setAppPermissions: async (permissions) => {
      const r = await inspect(
        `/microsoft/${tenantId}/apps/${clientId}`,
        json({ applicationPermissions: permissions }),
      );
      if (r.status !== 200) throw new Error(`could not update permissions: ${r.status}`);
    },
    inspect,
    close: () => sandbox.close(),
  };
}

/** The Graph client's rejection of a failed request (status, Graph error code, message, body). */
export async function graphFailure(
  p: Promise<unknown>,
): Promise<{ statusCode: number; code: string; message: string; body?: unknown; headers?: Headers }> {
  try {
    await p;
  } catch (e) {
    return e as { statusCode: number; code: string; message: string };
  }
  throw new Error('expected the request to fail');
}
