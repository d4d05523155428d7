import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Sandbox } from '../../sandbox';
import type { ScenarioInput } from '../../scenario/scenario.schema';
import { call } from '../../testing/test-sandbox';

/** The drive contract tests' scenario: two Microsoft tenants, one user holding a 5 GB file. */
export const DRIVE_SCENARIO: ScenarioInput = {
  name: 'drive-contract',
  seed: 'drive-contract',
  microsoft: {
    tenants: [
      { domain: 'contoso.example', users: 3, workloads: { drive: { filesPerUser: 14, fileSizes: [1024, 327_680, 2_097_152], largeFiles: [{ user: 0, size: 5 * 1024 ** 3, name: 'big-5GB.bin' }] } } },
      { domain: 'northwind.example', users: 1, workloads: { drive: { filesPerUser: 2 } } },
    ],
  },
  google: { tenants: [{ domain: 'fabrikam.example', users: 1 }] },
};

/** The seed of user `u`'s large file `i` in tenant `t`, as the seeder derives it. */
export const largeFileSeed = (t: number, u: number, i: number): string => `drive-contract/ms/${t}/drive/${u}/large/${i}`;

export interface InspectItem {
  id: string;
  path: string;
  name: string;
  kind: 'file' | 'folder';
  size: number;
  quickXorHash?: string;
  sha256?: string;
  permissions: { roles: string[]; user?: string; email?: string }[];
}
export interface InspectTree {
  driveId: string;
  owner: string;
  files: number;
  folders: number;
  items: InspectItem[];
}

export async function appToken(sandbox: Sandbox): Promise<string> {
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: sandbox.endpoints.microsoft.clientId,
      clientSecret: sandbox.endpoints.microsoft.clientSecret,
      authority: `${sandbox.endpoints.entraAuthority}/${sandbox.endpoints.microsoft.tenantId}`,
      knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host],
    },
  });
  const r = await msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true });
  if (!r?.accessToken) throw new Error('no token');
  return r.accessToken;
}

/**
 * A delegated token for `upn`: signs in on the sandbox's authorization page (auth-code flow) and
 * redeems the code through MSAL.
 */
export async function userToken(sandbox: Sandbox, upn: string, scopes: readonly string[] = ['https://graph.microsoft.com/Files.ReadWrite.All']): Promise<string> {
  const { tenantId, clientId, clientSecret } = sandbox.endpoints.microsoft;
  const redirectUri = 'https://localhost/ferry/callback';
  const apps = await call(`${sandbox.endpoints.inspect}/microsoft/${tenantId}/apps/${clientId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirectUris: [redirectUri] }) });
  if (apps.status !== 200) throw new Error(`could not register the redirect URI: ${apps.text}`);
  const users = (await call(`${sandbox.endpoints.inspect}/microsoft/${tenantId}/users`)).body as { value: { userPrincipalName: string; password: string }[] };
  const password = users.value.find((u) => u.userPrincipalName === upn)?.password ?? '';
  const form = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: scopes.join(' '), username: upn, password });
  const signIn = await fetch(`${sandbox.endpoints.entraAuthority}/${tenantId}/oauth2/v2.0/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const code = new URL(signIn.headers.get('location') ?? 'https://x/').searchParams.get('code');
  if (!code) throw new Error(`sign-in did not return a code (${signIn.status})`);
  const msal = new ConfidentialClientApplication({
    auth: { clientId, clientSecret, authority: `${sandbox.endpoints.entraAuthority}/${tenantId}`, knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host] },
  });
  const r = await msal.acquireTokenByCode({ code, redirectUri, scopes: [...scopes] });
  return r.accessToken;
}

/** The official client pointed at the sandbox; `customHosts` makes it attach the token to 127.0.0.1. */
export function graphClient(sandbox: Sandbox, token: string): Client {
  const origin = sandbox.endpoints.graph.replace(/\/v1\.0$/, '');
  return Client.init({ baseUrl: origin, defaultVersion: 'v1.0', customHosts: new Set([new URL(origin).hostname]), authProvider: (done) => done(null, token) });
}

export async function tenantUsers(sandbox: Sandbox, tenant: string): Promise<{ id: string; userPrincipalName: string }[]> {
  const r = await call(`${sandbox.endpoints.inspect}/microsoft/${tenant}/users`);
  return (r.body as { value: { id: string; userPrincipalName: string }[] }).value;
}

export async function driveTree(sandbox: Sandbox, user: string, query = ''): Promise<InspectTree> {
  const r = await call(`${sandbox.endpoints.inspect}/microsoft/drive/${encodeURIComponent(user)}${query}`);
  if (r.status !== 200) throw new Error(`inspect ${r.status}: ${r.text}`);
  return r.body as InspectTree;
}

export async function mutate(sandbox: Sandbox, user: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  return call(`${sandbox.endpoints.inspect}/microsoft/drive/${encodeURIComponent(user)}/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function setAppPermissions(sandbox: Sandbox, applicationPermissions: readonly string[]): Promise<void> {
  const { tenantId, clientId } = sandbox.endpoints.microsoft;
  const r = await call(`${sandbox.endpoints.inspect}/microsoft/${tenantId}/apps/${clientId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ applicationPermissions }) });
  if (r.status !== 200) throw new Error(`could not update app permissions: ${r.text}`);
}

/** Drops instance annotations (`@microsoft.graph.downloadUrl`, `@odata.*`) before a schema check. */
export function withoutAnnotations(value: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !k.startsWith('@')));
}

/** Encodes each segment of a drive path for `root:/path:` addressing. */
export const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
