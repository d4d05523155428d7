import type { Sandbox } from '../../sandbox';
import type { ScenarioInput } from '../../scenario/scenario.schema';
import { call } from '../../testing/test-sandbox';

// OneDrive-specific helpers of the drive contract specs; tokens and clients come from testing/graph-test-kit.ts.

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

export async function driveTree(sandbox: Sandbox, user: string, query = ''): Promise<InspectTree> {
  const r = await call(`${sandbox.endpoints.inspect}/microsoft/drive/${encodeURIComponent(user)}${query}`);
  if (r.status !== 200) throw new Error(`inspect ${r.status}: ${r.text}`);
  return r.body as InspectTree;
}

export async function mutate(sandbox: Sandbox, user: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  return call(`${sandbox.endpoints.inspect}/microsoft/drive/${encodeURIComponent(user)}/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Drops instance annotations (`@microsoft.graph.downloadUrl`, `@odata.*`) before a schema check. */
export function withoutAnnotations(value: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !k.startsWith('@')));
}

/** Encodes each segment of a drive path for `root:/path:` addressing. */
export const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
