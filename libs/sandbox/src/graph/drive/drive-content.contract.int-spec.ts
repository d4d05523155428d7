import { createHash, randomBytes } from 'node:crypto';
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { GeneratedContent } from '../../content/content-source';
import type { Sandbox } from '../../sandbox';
import { expectShape } from '../../testing/shape';
import { graphClient, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { call } from '../../testing/test-sandbox';
import { DRIVE_SCENARIO, driveTree, encodePath, largeFileSeed, withoutAnnotations, type InspectTree } from './drive-test.fixture';
import { graphDriveWorkload } from './graph-drive.workload';
import { QuickXorHash } from './quick-xor-hash';

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

// The machine is shared with other test runs; seeding a sandbox and moving megabytes can take seconds.
jest.setTimeout(30_000);

describe('Graph OneDrive content: downloads, ranges and simple upload', () => {
  let kit: GraphKit;
  let sandbox: Sandbox;
  let client: Client;
  let token: string;
  let upn: string;
  let tree: InspectTree;
  let base: string;
  beforeAll(async () => {
    kit = await startGraphKit(DRIVE_SCENARIO, [graphDriveWorkload]);
    sandbox = kit.sandbox;
    token = await kit.appToken();
    client = graphClient(sandbox, token);
    upn = kit.users[0]?.userPrincipalName ?? '';
    tree = await driveTree(sandbox, upn);
    base = `/drives/${encodeURIComponent(tree.driveId)}`;
  });
  afterAll(() => sandbox.close());

  it('seeds the 5 GB file with its size and serves the middle of it byte-exactly through a ranged download', async () => {
    const big = tree.items.find((i) => i.name === 'big-5GB.bin');
    expect(big?.size).toBe(5 * 1024 ** 3);
    const item = (await client.api(`${base}/items/${big?.id ?? ''}`).get()) as MicrosoftGraph.DriveItem;
    expect(item.size).toBe(5 * 1024 ** 3);
    // Simplified: seeded content above 64 MiB reports no hashes (hashing it would take seconds).
    expect(item.file?.hashes).toBeUndefined();
    const start = 2.5 * 1024 ** 3 - 12_345;
    const end = start + 1024 * 1024 - 1;
    const stream = (await client.api(`${base}/items/${big?.id ?? ''}/content`).header('Range', `bytes=${start}-${end}`).responseType(ResponseType.STREAM).get()) as NodeJS.ReadableStream;
    const got = await bytesOf(stream);
    const expected = await bytesOf(new GeneratedContent(largeFileSeed(0, 0, 0), 5 * 1024 ** 3).open(start, end));
    expect(got.length).toBe(1024 * 1024);
    expect(got.equals(expected)).toBe(true);
  });

  it('redirects GET content with 302 to a pre-authenticated URL that answers 206, 416 and 200', async () => {
    const file = tree.items.find((i) => i.kind === 'file' && i.size === 327_680);
    const r = await fetch(`${sandbox.endpoints.graph}${base}/items/${file?.id ?? ''}/content`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    expect(r.status).toBe(302);
    const location = r.headers.get('location') ?? '';
    expect(location).toContain('tempauth=');
    const partial = await fetch(location, { headers: { range: 'bytes=-100' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe('bytes 327580-327679/327680');
    expect((await partial.arrayBuffer()).byteLength).toBe(100);
    const beyond = await call(location, { headers: { range: 'bytes=400000-400010' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */327680');
    const whole = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(whole.length).toBe(327_680);
    const detail = (await call(`${sandbox.endpoints.inspect}/microsoft/drive/${upn}/item?path=${encodeURIComponent(file?.path ?? '')}`)).body as { sha256: string };
    expect(createHash('sha256').update(whole).digest('hex')).toBe(detail.sha256);
    const forged = await call(location.replace(/tempauth=[^&]+/, 'tempauth=forged.token'));
    expect(forged.status).toBe(401);
  });

  it('reports the quickXorHash of small seeded files, matching the bytes served', async () => {
    const file = tree.items.find((i) => i.kind === 'file' && i.size === 1024);
    const item = (await client.api(`${base}/items/${file?.id ?? ''}`).get()) as MicrosoftGraph.DriveItem & { '@microsoft.graph.downloadUrl': string };
    expectShape<MicrosoftGraph.DriveItem>(withoutAnnotations(item), { id: 'string', name: 'string', size: 'number', file: 'object', createdBy: 'object', createdDateTime: 'string', lastModifiedBy: 'object', lastModifiedDateTime: 'string', eTag: 'string', cTag: 'string', webUrl: 'string', parentReference: 'object', fileSystemInfo: 'object', shared: 'object' }, ['file']);
    const bytes = Buffer.from(await (await fetch(item['@microsoft.graph.downloadUrl'])).arrayBuffer());
    expect(item.file?.hashes?.quickXorHash).toBe(new QuickXorHash().update(bytes).digest());
  });

  it('uploads by path with PUT content (201), replaces (200), and refuses with conflictBehavior=fail (409)', async () => {
    const path = '/Uploads/Été 2026/données #1 & co.txt';
    const first = randomBytes(200_000);
    const created = (await client.api(`${base}/root:${encodePath(path)}:/content`).put(first)) as MicrosoftGraph.DriveItem;
    expectShape<MicrosoftGraph.DriveItem>(withoutAnnotations(created), { id: 'string', name: 'string', size: 'number', file: 'object', createdBy: 'object', createdDateTime: 'string', lastModifiedBy: 'object', lastModifiedDateTime: 'string', eTag: 'string', cTag: 'string', webUrl: 'string', parentReference: 'object', fileSystemInfo: 'object' }, ['id', 'file', 'size']);
    expect(created.size).toBe(200_000);
    expect(created.file?.hashes?.quickXorHash).toBe(new QuickXorHash().update(first).digest());
    expect(created.createdBy?.application?.id).toBe(sandbox.endpoints.microsoft.clientId);
    const second = randomBytes(1000);
    const replaced = (await client.api(`${base}/items/${created.id ?? ''}/content`).put(second)) as MicrosoftGraph.DriveItem;
    expect(replaced.id).toBe(created.id);
    expect(replaced.size).toBe(1000);
    expect(replaced.cTag).not.toBe(created.cTag);
    const back = (await client.api(`${base}/items/${created.id ?? ''}/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
    expect(Buffer.from(back).equals(second)).toBe(true);
    const detail = (await call(`${sandbox.endpoints.inspect}/microsoft/drive/${upn}/item?path=${encodeURIComponent(path)}`)).body as { sha256: string; size: number };
    expect(detail).toMatchObject({ size: 1000, sha256: createHash('sha256').update(second).digest('hex') });
    await expect(client.api(`${base}/root:${encodePath(path)}:/content`).query({ '@microsoft.graph.conflictBehavior': 'fail' }).put(second)).rejects.toMatchObject({ statusCode: 409, code: 'nameAlreadyExists' });
  });

  it('refuses a simple upload above 250 MB with 413 before reading it', async () => {
    // fetch will not send a Content-Length it cannot back with a body, so use a raw request.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${sandbox.endpoints.graph}${base}/root:/too-big.bin:/content`);
      void import('node:https').then(({ request }) => {
        const req = request(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-length': String(251 * 1024 * 1024) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.write(Buffer.alloc(1024));
      });
    });
    expect(status).toBe(413);
  });
});
