import type { Client } from '@microsoft/microsoft-graph-client';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Sandbox } from '../../sandbox';
import { expectShape } from '../../testing/shape';
import { graphClient, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { call } from '../../testing/test-sandbox';
import { DRIVE_SCENARIO, driveTree, mutate, withoutAnnotations } from './drive-test.fixture';
import { graphDriveWorkload } from './graph-drive.workload';

interface DeltaPage {
  value: (MicrosoftGraph.DriveItem & Record<string, unknown>)[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

// The machine is shared with other test runs; seeding a sandbox and moving megabytes can take seconds.
jest.setTimeout(30_000);

describe('Graph OneDrive delta', () => {
  let kit: GraphKit;
  let sandbox: Sandbox;
  let client: Client;
  let upn: string;
  let base: string;
  beforeAll(async () => {
    kit = await startGraphKit(DRIVE_SCENARIO, [graphDriveWorkload]);
    sandbox = kit.sandbox;
    client = graphClient(sandbox, await kit.appToken());
    upn = kit.users[1]?.userPrincipalName ?? '';
    base = `/drives/${encodeURIComponent((await driveTree(sandbox, upn)).driveId)}`;
  });
  afterAll(() => sandbox.close());

  /** Follows next links to the delta link; returns every item seen and the delta link. */
  async function drain(url: string, top?: number): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> {
    const items: DeltaPage['value'] = [];
    let request = client.api(url);
    if (top) request = request.top(top);
    let page = (await request.get()) as DeltaPage;
    let pages = 1;
    for (;;) {
      items.push(...page.value);
      if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
      page = (await client.api(page['@odata.nextLink'] ?? '').get()) as DeltaPage;
      pages++;
    }
  }

  it('enumerates every item, parents before children, across pages ending in a deltaLink', async () => {
    const tree = await driveTree(sandbox, upn);
    const { items, pages } = await drain(`${base}/root/delta`, 5);
    expect(pages).toBe(Math.ceil((tree.items.length + 1) / 5));
    expect(items[0]?.root).toEqual({});
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items.slice(1).map((i) => i.id).sort()).toEqual(tree.items.map((i) => i.id).sort());
    const seen = new Set<string>();
    for (const item of items) {
      expectShape<MicrosoftGraph.DriveItem>(withoutAnnotations(item), { id: 'string', name: 'string', size: 'number', file: 'object', folder: 'object', root: 'object', shared: 'object', createdBy: 'object', createdDateTime: 'string', lastModifiedBy: 'object', lastModifiedDateTime: 'string', eTag: 'string', cTag: 'string', webUrl: 'string', parentReference: 'object', fileSystemInfo: 'object' }, ['id', 'name', 'parentReference']);
      if (item.parentReference?.id) expect(seen.has(item.parentReference.id)).toBe(true);
      seen.add(item.id ?? '');
    }
  });

  it('returns only the changes since the deltaLink, deleted items with the deleted facet', async () => {
    const { deltaLink } = await drain(`${base}/root/delta`);
    const tree = await driveTree(sandbox, upn);
    const [victim, changed] = tree.items.filter((i) => i.kind === 'file');
    expect((await mutate(sandbox, upn, { op: 'add', path: '/Delta tests/nouveau été.txt', text: 'hello' })).status).toBe(200);
    expect((await mutate(sandbox, upn, { op: 'modify', path: changed?.path, size: 4096 })).status).toBe(200);
    expect((await mutate(sandbox, upn, { op: 'delete', path: victim?.path })).status).toBe(200);
    const renamed = (await client.api(`${base}/root/children`).post({ name: 'via API', folder: {} })) as MicrosoftGraph.DriveItem;
    const next = await drain(deltaLink);
    const byName = new Map(next.items.map((i) => [i.name, i]));
    expect(byName.get('Delta tests')?.folder).toBeDefined();
    expect(byName.get('nouveau été.txt')?.size).toBe(5);
    expect(byName.get(changed?.name)?.size).toBe(4096);
    expect(byName.get('via API')?.id).toBe(renamed.id);
    const gone = next.items.find((i) => i.id === victim?.id);
    expect(gone?.deleted).toEqual({ state: 'deleted' });
    expect(next.items).toHaveLength(5);
    const quiet = await drain(next.deltaLink);
    expect(quiet.items).toHaveLength(0);
  });

  it('skips the enumeration with token=latest', async () => {
    const r = (await client.api(`${base}/root/delta`).query({ token: 'latest' }).get()) as DeltaPage;
    expect(r.value).toEqual([]);
    expect(r['@odata.deltaLink']).toContain('token=');
    await mutate(sandbox, upn, { op: 'add', path: '/after-latest.txt', text: 'x' });
    const after = await drain(r['@odata.deltaLink'] ?? '');
    expect(after.items.map((i) => i.name)).toEqual(['after-latest.txt']);
  });

  it('answers 410 resyncRequired with a fresh Location once tokens are invalidated, injected stale, or too old', async () => {
    const { deltaLink } = await drain(`${base}/root/delta`);
    const expire = await call(`${sandbox.endpoints.inspect}/microsoft/drive/${upn}/delta/expire`, { method: 'POST' });
    expect(expire.status).toBe(200);
    await expect(client.api(deltaLink).get()).rejects.toMatchObject({ statusCode: 410, code: 'resyncRequired' });
    const raw = await call(deltaLink.replace(/^https:\/\/[^/]+\/v1\.0/, sandbox.endpoints.graph), { headers: { authorization: `Bearer ${await kit.appToken()}` } });
    expect(raw.headers.get('location')).toMatch(/\/root\/delta$/);

    const fresh = await drain(`${base}/root/delta`);
    const fault = await call(`${sandbox.endpoints.inspect}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'graph.drive.delta', effect: { kind: 'stale-delta' }, times: 1 }) });
    expect(fault.status).toBe(201);
    await expect(client.api(fresh.deltaLink).get()).rejects.toMatchObject({ statusCode: 410, code: 'resyncRequired' });
    expect((await drain(fresh.deltaLink)).items).toHaveLength(0);

    sandbox.context.clock.advance(31 * 86_400_000);
    const client2 = graphClient(sandbox, await kit.appToken());
    await expect(client2.api(fresh.deltaLink).get()).rejects.toMatchObject({ statusCode: 410, code: 'resyncRequired' });
  });

  it('refuses a malformed token with 400', async () => {
    // A fresh token: the previous test moved the clock past the old one's lifetime.
    client = graphClient(sandbox, await kit.appToken());
    await expect(client.api(`${base}/root/delta`).query({ token: 'not-a-token' }).get()).rejects.toMatchObject({ statusCode: 400, code: 'invalidRequest' });
  });
});
