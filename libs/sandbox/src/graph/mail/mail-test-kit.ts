import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Sandbox } from '../../sandbox';
import type { ScenarioInput } from '../../scenario/scenario.schema';
import { call, startTestSandbox } from '../../testing/test-sandbox';
import { graphMailWorkload } from './graph-mail.workload';

/** Test helpers for the graph-mail contract specs: a sandbox, MSAL tokens and official Graph clients. */
export interface MailKit {
  readonly sandbox: Sandbox;
  readonly tenantId: string;
  readonly users: readonly { id: string; userPrincipalName: string; password: string }[];
  /** A Graph client with an app-only token (client credentials). */
  app(): Promise<Client>;
  /** A Graph client with a delegated token for `upn` (authorization code flow through the sandbox's sign-in form). */
  delegated(upn: string, scopes?: readonly string[]): Promise<Client>;
  /** The app-only access token itself (for raw fetch calls). */
  appToken(): Promise<string>;
  inspect(path: string, init?: RequestInit): ReturnType<typeof call>;
  close(): Promise<void>;
}

export const mailScenario = (mail: Record<string, unknown>, users = 3): ScenarioInput => ({
  name: 'graph-mail-test',
  seed: 'graph-mail-spec',
  throttle: { enabled: true, overrides: [] },
  microsoft: { tenants: [{ domain: 'contoso.example', users, workloads: { mail } }, { domain: 'other.example', users: 1, workloads: { mail: { messagesPerUser: 2 } } }] },
  google: { tenants: [{ domain: 'fabrikam.example', users: 0 }] },
});

export function graphClient(sandbox: Sandbox, token: string): Client {
  const origin = sandbox.endpoints.graph.replace(/\/v1\.0$/, '');
  // customHosts: the client only sends the token to hosts it knows as Graph.
  return Client.init({ baseUrl: origin, defaultVersion: 'v1.0', customHosts: new Set([new URL(origin).hostname]), authProvider: (done) => done(null, token) });
}

export async function startMailKit(scenario: ScenarioInput): Promise<MailKit> {
  const sandbox = await startTestSandbox({ scenario, workloads: [graphMailWorkload] });
  const { tenantId, clientId, clientSecret } = sandbox.endpoints.microsoft;
  const inspect = (path: string, init?: RequestInit) => call(`${sandbox.endpoints.inspect}${path}`, init);
  const users = ((await inspect(`/microsoft/${tenantId}/users`)).body as { value: { id: string; userPrincipalName: string; password: string }[] }).value;
  const authority = `${sandbox.endpoints.entraAuthority}/${tenantId}`;
  const msal = new ConfidentialClientApplication({ auth: { clientId, clientSecret, authority, knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host] } });
  const redirectUri = 'http://localhost:5999/callback';
  const appToken = async () => (await msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true }))?.accessToken ?? '';
  return {
    sandbox,
    tenantId,
    users,
    appToken,
    app: async () => graphClient(sandbox, await appToken()),
    delegated: async (upn, scopes = ['https://graph.microsoft.com/Mail.ReadWrite']) => {
      await inspect(`/microsoft/${tenantId}/apps/${clientId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirectUris: [redirectUri] }) });
      const user = users.find((u) => u.userPrincipalName === upn);
      if (!user) throw new Error('no such test user');
      const form = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: scopes.join(' '), username: upn, password: user.password });
      const res = await fetch(`${authority}/oauth2/v2.0/authorize`, { method: 'POST', body: form, redirect: 'manual' });
      const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code');
      if (!code) throw new Error(`sign-in failed with ${res.status}`);
      const result = await msal.acquireTokenByCode({ code, redirectUri, scopes: [...scopes] });
      return graphClient(sandbox, result.accessToken);
    },
    inspect,
    close: () => sandbox.close(),
  };
}

/** Sets the app's consented application permissions, for missing-permission tests. */
export async function setAppPermissions(kit: MailKit, permissions: readonly string[]): Promise<void> {
  const { tenantId, clientId } = kit.sandbox.endpoints.microsoft;
  const r = await kit.inspect(`/microsoft/${tenantId}/apps/${clientId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ applicationPermissions: permissions }) });
  if (r.status !== 200) throw new Error(`could not update permissions: ${r.status}`);
}

/** The Graph client's rejection for a failed request (status code, Graph error code, message). */
export async function failure(p: Promise<unknown>): Promise<{ statusCode: number; code: string; message: string; body?: unknown; headers?: Headers }> {
  try {
    await p;
  } catch (e) {
    return e as { statusCode: number; code: string; message: string };
  }
  throw new Error('expected the request to fail');
}
