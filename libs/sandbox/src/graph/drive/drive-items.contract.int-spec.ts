import type { Client } from '@microsoft/microsoft-graph-client';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Sandbox } from '../../sandbox';
import { expectShape } from '../../testing/shape';
import { graphClient, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { call } from '../../testing/test-sandbox';
import { DRIVE_SCENARIO, driveTree, encodePath, withoutAnnotations, type InspectTree } from './drive-test.fixture';
import { graphDriveWorkload } from './graph-drive.workload';

const DRIVE_ITEM = {
  id: 'string', name: 'string', size: 'number', createdDateTime: 'string', lastModifiedDateTime: 'string', eTag: 'string', cTag: 'string', webUrl: 'string',
  createdBy: 'object', lastModifiedBy: 'object', parentReference: 'object', fileSystemInfo: 'object', file: 'object', folder: 'object', root: 'object', shared: 'object', description: 'string',
} as const;

// The machine is shared with other test runs; seeding a sandbox and moving megabytes can take seconds.
jest.setTimeout(30_000);

describe('Graph OneDrive items through @microsoft/microsoft-graph-client', () => {
  let kit: GraphKit;
  let sandbox: Sandbox;
  let client: Client;
  let upn: string;
  let tree: InspectTree;
  beforeAll(async () => {
    kit = await startGraphKit(DRIVE_SCENARIO, [graphDriveWorkload]);
    sandbox = kit.sandbox;
    client = graphClient(sandbox, await kit.appToken());
    upn = kit.users[0]?.userPrincipalName ?? '';
    tree = await driveTree(sandbox, upn);
  });
  afterAll(() => sandbox.close());

  it('returns the user\'s OneDrive by UPN and by drive id, in the Drive schema', async () => {
    const drive = (await client.api(`/users/${upn}/drive`).get()) as MicrosoftGraph.Drive;
    expectShape<MicrosoftGraph.Drive>(withoutAnnotations(drive), { id: 'string', driveType: 'string', name: 'string', description: 'string', createdDateTime: 'string', lastModifiedDateTime: 'string', webUrl: 'string', createdBy: 'object', owner: 'object', quota: 'object' }, ['id', 'driveType', 'owner', 'quota']);
    expect(drive.id).toBe(tree.driveId);
    expect(drive.driveType).toBe('business');
    expect(drive.quota?.used).toBeGreaterThan(5 * 1024 ** 3);
    const byId = (await client.api(`/drives/${encodeURIComponent(tree.driveId)}`).get()) as MicrosoftGraph.Drive;
    expect(byId.owner?.user?.id).toBe(drive.owner?.user?.id);
  });

  it('pages root children with $top and nextLink, every item in the DriveItem schema', async () => {
    const names: string[] = [];
    let page = (await client.api(`/drives/${encodeURIComponent(tree.driveId)}/root/children`).top(2).get()) as { value: MicrosoftGraph.DriveItem[]; '@odata.nextLink'?: string };
    let pages = 1;
    for (;;) {
      for (const item of page.value) {
        expectShape<MicrosoftGraph.DriveItem>(withoutAnnotations(item), DRIVE_ITEM, ['id', 'name', 'size', 'eTag', 'parentReference']);
        names.push(item.name ?? '');
      }
      const next = page['@odata.nextLink'];
      if (!next) break;
      page = (await client.api(next).get()) as typeof page;
      pages++;
    }
    const expected = tree.items.filter((i) => i.path.split('/').length === 2).map((i) => i.name);
    expect(names.sort()).toEqual(expected.sort());
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('applies $select, keeping id', async () => {
    const r = (await client.api(`/users/${upn}/drive/root/children`).select(['name', 'size']).get()) as { value: Record<string, unknown>[] };
    expect(r.value.length).toBeGreaterThan(0);
    for (const item of r.value) expect(Object.keys(item).sort()).toEqual(['id', 'name', 'size']);
  });

  it('addresses a nested folder with non-ASCII and reserved characters by path', async () => {
    const nested = tree.items.filter((i) => i.kind === 'folder' && /[^\x20-\x7e]|[#%&+']/.test(i.path)).sort((a, b) => b.path.length - a.path.length)[0];
    expect(nested).toBeDefined();
    const item = (await client.api(`/drives/${encodeURIComponent(tree.driveId)}/root:${encodePath(nested?.path ?? '')}:`).get()) as MicrosoftGraph.DriveItem;
    expect(item.id).toBe(nested?.id);
    expect(item.name).toBe(nested?.name);
    const children = (await client.api(`/drives/${encodeURIComponent(tree.driveId)}/root:${encodePath(nested?.path ?? '')}:/children`).get()) as { value: MicrosoftGraph.DriveItem[] };
    expect(children.value.map((c) => c.name).sort()).toEqual(tree.items.filter((i) => i.path.startsWith(`${nested?.path ?? ''}/`) && i.path.split('/').length === (nested?.path.split('/').length ?? 0) + 1).map((i) => i.name).sort());
  });

  it('creates a folder, honours conflictBehavior fail (409 nameAlreadyExists) and rename', async () => {
    const children = `/users/${upn}/drive/root/children`;
    const created = (await client.api(children).post({ name: 'Migrated été #1', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })) as MicrosoftGraph.DriveItem;
    expectShape<MicrosoftGraph.DriveItem>(withoutAnnotations(created), DRIVE_ITEM, ['id', 'name', 'folder']);
    expect(created.folder?.childCount).toBe(0);
    await expect(client.api(children).post({ name: 'MIGRATED ÉTÉ #1', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })).rejects.toMatchObject({ statusCode: 409, code: 'nameAlreadyExists' });
    const renamed = (await client.api(children).post({ name: 'Migrated été #1', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' })) as MicrosoftGraph.DriveItem;
    expect(renamed.name).toBe('Migrated été #1 1');
    await expect(client.api(children).post({ name: 'bad:name', folder: {} })).rejects.toMatchObject({ statusCode: 400, code: 'invalidRequest' });
  });

  it('renames and moves an item with PATCH, then deletes it', async () => {
    const base = `/users/${upn}/drive`;
    const a = (await client.api(`${base}/root/children`).post({ name: 'move-src', folder: {} })) as MicrosoftGraph.DriveItem;
    const b = (await client.api(`${base}/root/children`).post({ name: 'move-dst', folder: {} })) as MicrosoftGraph.DriveItem;
    const moved = (await client.api(`${base}/items/${a.id ?? ''}`).patch({ name: 'moved & renamed', parentReference: { id: b.id } })) as MicrosoftGraph.DriveItem;
    expect(moved.name).toBe('moved & renamed');
    expect(moved.parentReference?.id).toBe(b.id);
    expect(moved.parentReference?.path).toBe(`/drives/${tree.driveId}/root:/move-dst`);
    await expect(client.api(`${base}/items/${b.id ?? ''}`).patch({ parentReference: { id: a.id } })).rejects.toMatchObject({ statusCode: 400, code: 'invalidRequest' });
    await client.api(`${base}/items/${b.id ?? ''}`).delete();
    await expect(client.api(`${base}/items/${a.id ?? ''}`).get()).rejects.toMatchObject({ statusCode: 404, code: 'itemNotFound' });
  });

  it('refuses a stale If-Match with 412', async () => {
    const base = `/users/${upn}/drive`;
    const f = (await client.api(`${base}/root/children`).post({ name: 'etag-check', folder: {} })) as MicrosoftGraph.DriveItem;
    await client.api(`${base}/items/${f.id ?? ''}`).patch({ description: 'v2' });
    await expect(client.api(`${base}/items/${f.id ?? ''}`).header('If-Match', f.eTag ?? '').patch({ description: 'v3' })).rejects.toMatchObject({ statusCode: 412 });
  });

  it('counts drives and items in the inspection summary and lists the tree with sharing', async () => {
    const summary = (await call(`${sandbox.endpoints.inspect}/summary`)).body as { 'graph-drive': { drives: number; files: number } };
    // 3 + 1 seeded users; 14 files each in the first tenant plus the 5 GB file, 2 in the second.
    expect(summary['graph-drive']).toMatchObject({ drives: 4 });
    expect(summary['graph-drive'].files).toBeGreaterThanOrEqual(3 * 14 + 1 + 2);
    expect(tree.files).toBe(15);
    expect(tree.items.some((i) => i.permissions.length > 0)).toBe(true);
    expect(tree.items.every((i) => i.path.startsWith('/'))).toBe(true);
  });

  it('answers unknown items, users and another tenant\'s drive with 404 itemNotFound, malformed JSON with 400', async () => {
    await expect(client.api(`/users/${upn}/drive/items/01NOSUCHITEMAAAAAAAAAAAAAAAAAAAAAA`).get()).rejects.toMatchObject({ statusCode: 404, code: 'itemNotFound' });
    await expect(client.api(`/users/${upn}/drive/root:/no/such/file.txt:`).get()).rejects.toMatchObject({ statusCode: 404, code: 'itemNotFound' });
    await expect(client.api('/users/nobody@contoso.example/drive').get()).rejects.toMatchObject({ statusCode: 404, code: 'itemNotFound' });
    const other = (await kit.tenantUsers('northwind.example'))[0]?.userPrincipalName ?? '';
    const otherTree = await driveTree(sandbox, other);
    await expect(client.api(`/drives/${encodeURIComponent(otherTree.driveId)}/root/children`).get()).rejects.toMatchObject({ statusCode: 404, code: 'itemNotFound' });
    await expect(client.api(`/users/${other}/drive`).get()).rejects.toMatchObject({ statusCode: 404 });
    const token = await kit.appToken();
    const bad = await call(`${sandbox.endpoints.graph}/users/${upn}/drive/root/children`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalidRequest' } });
  });
});
