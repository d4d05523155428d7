import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Sandbox } from '../sandbox';
import type { WorkloadFactory } from '../sandbox-context';
import type { ScenarioInput } from '../scenario/scenario.schema';
import { call, startTestSandbox } from './test-sandbox';

/** A seeded Microsoft user as the inspection API lists it (with the sign-in password). */
export interface GraphTestUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly password: string;
}

/** A sandbox for the Graph contract specs (every workload), with MSAL-issued tokens and official clients. */
export interface GraphKit {
  readonly sandbox: Sandbox;
  readonly tenantId: string;
  /** Users of the first tenant, in seeding order. */
  readonly users: readonly GraphTestUser[];
  /** Users of the second tenant, for isolation tests. */
  readonly otherUsers: readonly GraphTestUser[];
  /** A tenant's users, by tenant id or domain. */
  tenantUsers(tenant: string): Promise<GraphTestUser[]>;
  /** The app-only token (client credentials through MSAL). */
  appToken(): Promise<string>;
  /** A Graph client with an app-only token. */
  app(): Promise<Client>;
  /** A delegated token for `upn` (authorization code flow through the sandbox's sign-in form). */
  userToken(upn: string, scopes: readonly string[]): Promise<string>;
  /** A Graph client with a delegated token for `upn`. */
  delegated(upn: string, scopes: readonly string[]): Promise<Client>;
  /** Replaces the app's consented application permissions. */
  setAppPermissions(permissions: readonly string[]): Promise<void>;
  /** A call to the inspection API: `path` follows `/_sandbox`. */
  inspect(path: string, init?: RequestInit): ReturnType<typeof call>;
  close(): Promise<void>;
}

/** A two-tenant scenario; `workloads` is both tenants' workload sections. */
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

/** The official client pointed at the sandbox with `token`. */
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

const putJson = (body: unknown): RequestInit => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function startGraphKit(
  scenario: ScenarioInput,
  workloads: readonly WorkloadFactory[],
): Promise<GraphKit> {
  const sandbox = await startTestSandbox({ scenario, workloads });
  const { tenantId, clientId, clientSecret } = sandbox.endpoints.microsoft;
  const inspect = (path: string, init?: RequestInit) => call(`${sandbox.endpoints.inspect}${path}`, init);
  const tenantUsers = async (tenant: string): Promise<GraphTestUser[]> => {
    const r = await inspect(`/microsoft/${encodeURIComponent(tenant)}/users`);
    if (r.status !== 200) throw new Error(`could not list the tenant's users: ${r.status}`);
    return (r.body as { value: GraphTestUser[] }).value;
  };
  const users = await tenantUsers(tenantId);
  const other = [...sandbox.context.directory.microsoft.values()].find((t) => t.tenantId !== tenantId);
  const otherUsers = other ? await tenantUsers(other.tenantId) : [];
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
  const appToken = async () => {
    const r = await msal.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
      skipCache: true,
    });
    if (!r?.accessToken) throw new Error('the client credentials grant returned no token');
    return r.accessToken;
  };
  const userToken = async (upn: string, scopes: readonly string[]) => {
    const registered = await inspect(`/microsoft/${tenantId}/apps/${clientId}`, putJson({ redirectUris: [redirectUri] }));
    if (registered.status !== 200) throw new Error(`could not register the redirect URI: ${registered.status}`);
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
    const res = await fetch(`${authority}/oauth2/v2.0/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code');
    if (!code) throw new Error(`sign-in failed with ${res.status}`);
    return (await msal.acquireTokenByCode({ code, redirectUri, scopes: [...scopes] })).accessToken;
  };
  return {
    sandbox,
    tenantId,
    users,
    otherUsers,
    tenantUsers,
    appToken,
    app: async () => graphClient(sandbox, await appToken()),
    userToken,
    delegated: async (upn, scopes) => graphClient(sandbox, await userToken(upn, scopes)),
    setAppPermissions: async (permissions) => {
      const r = await inspect(`/microsoft/${tenantId}/apps/${clientId}`, putJson({ applicationPermissions: permissions }));
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
