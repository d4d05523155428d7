import { createHash, randomBytes } from 'node:crypto';
import { FileUpload, OneDriveLargeFileUploadTask, type Client } from '@microsoft/microsoft-graph-client';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Sandbox } from '../../sandbox';
import { expectShape } from '../../testing/shape';
import { graphClient, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { call } from '../../testing/test-sandbox';
import { DRIVE_SCENARIO, driveTree, encodePath, withoutAnnotations } from './drive-test.fixture';
import { graphDriveWorkload } from './graph-drive.workload';
import { QuickXorHash } from './quick-xor-hash';

const KIB320 = 320 * 1024;

// The machine is shared with other test runs; seeding a sandbox and moving megabytes can take seconds.
jest.setTimeout(30_000);

describe('Graph OneDrive upload sessions', () => {
  let kit: GraphKit;
  let sandbox: Sandbox;
  let client: Client;
  let upn: string;
  let base: string;
  beforeAll(async () => {
    kit = await startGraphKit(DRIVE_SCENARIO, [graphDriveWorkload]);
    sandbox = kit.sandbox;
    client = graphClient(sandbox, await kit.appToken());
    upn = kit.users[0]?.userPrincipalName ?? '';
    base = `/drives/${encodeURIComponent((await driveTree(sandbox, upn)).driveId)}`;
  });
  afterAll(() => sandbox.close());

  const session = async (path: string, item: Record<string, unknown> = {}): Promise<MicrosoftGraph.UploadSession> =>
    (await client.api(`${base}/root:${encodePath(path)}:/createUploadSession`).post({ item: { '@microsoft.graph.conflictBehavior': 'replace', ...item } })) as MicrosoftGraph.UploadSession;

  it('uploads a few MB in 320 KiB-multiple slices through OneDriveLargeFileUploadTask', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 4321);
    const task = await OneDriveLargeFileUploadTask.createTaskWithFileObject(client, new FileUpload(bytes, 'chunked é #2.bin', bytes.length), {
      fileName: 'chunked é #2.bin',
      rangeSize: 4 * KIB320,
      uploadSessionURL: `${base}/root:${encodePath('/Large uploads/chunked é #2.bin')}:/createUploadSession`,
    });
    const result = await task.upload();
    const item = result.responseBody as MicrosoftGraph.DriveItem;
    expectShape<MicrosoftGraph.DriveItem>(withoutAnnotations(item), { id: 'string', name: 'string', size: 'number', file: 'object', createdBy: 'object', createdDateTime: 'string', lastModifiedBy: 'object', lastModifiedDateTime: 'string', eTag: 'string', cTag: 'string', webUrl: 'string', parentReference: 'object', fileSystemInfo: 'object' }, ['id', 'size', 'file']);
    expect(item.size).toBe(bytes.length);
    expect(item.file?.hashes?.quickXorHash).toBe(new QuickXorHash().update(bytes).digest());
    const detail = (await call(`${sandbox.endpoints.inspect}/microsoft/drive/${upn}/item?path=${encodeURIComponent('/Large uploads/chunked é #2.bin')}`)).body as { sha256: string; size: number };
    expect(detail).toMatchObject({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('answers createUploadSession in the UploadSession schema and reports progress with 202 and nextExpectedRanges', async () => {
    const s = await session('/sessions/progress.bin', { fileSize: 2 * KIB320 + 10 });
    expectShape<MicrosoftGraph.UploadSession>(withoutAnnotations(s), { uploadUrl: 'string', expirationDateTime: 'string', nextExpectedRanges: 'array' }, ['uploadUrl', 'expirationDateTime', 'nextExpectedRanges']);
    expect(s.nextExpectedRanges).toEqual(['0-']);
    const url = s.uploadUrl ?? '';
    const part = await call(url, { method: 'PUT', headers: { 'content-range': `bytes 0-${KIB320 - 1}/${2 * KIB320 + 10}` }, body: randomBytes(KIB320) });
    expect(part.status).toBe(202);
    expect(part.body).toMatchObject({ nextExpectedRanges: [`${KIB320}-${2 * KIB320 + 9}`] });
    const status = await call(url);
    expect(status.body).toMatchObject({ nextExpectedRanges: [`${KIB320}-${2 * KIB320 + 9}`] });
    const last = await call(url, { method: 'PUT', headers: { 'content-range': `bytes ${KIB320}-${2 * KIB320 + 9}/${2 * KIB320 + 10}` }, body: randomBytes(KIB320 + 10) });
    expect(last.status).toBe(201);
    expect(last.body).toMatchObject({ name: 'progress.bin', size: 2 * KIB320 + 10 });
    const gone = await call(url, { method: 'PUT', headers: { 'content-range': `bytes 0-9/10` }, body: randomBytes(10) });
    expect(gone.status).toBe(404);
  });

  it('refuses a fragment that is not a multiple of 320 KiB, and one out of order', async () => {
    const total = 3 * KIB320;
    const url = (await session('/sessions/refused.bin')).uploadUrl ?? '';
    const odd = await call(url, { method: 'PUT', headers: { 'content-range': `bytes 0-99999/${total}` }, body: randomBytes(100_000) });
    expect(odd.status).toBe(400);
    expect(odd.body).toMatchObject({ error: { code: 'invalidRequest' } });
    const skipped = await call(url, { method: 'PUT', headers: { 'content-range': `bytes ${KIB320}-${2 * KIB320 - 1}/${total}` }, body: randomBytes(KIB320) });
    expect(skipped.status).toBe(416);
    expect(skipped.body).toMatchObject({ error: { code: 'invalidRange' } });
    const malformed = await call(url, { method: 'PUT', headers: { 'content-range': 'bytes */3' }, body: randomBytes(3) });
    expect(malformed.status).toBe(400);
    // None of the refused fragments counted.
    expect((await call(url)).body).toMatchObject({ nextExpectedRanges: ['0-'] });
  });

  it('cancels a session with DELETE (204), after which it is not found', async () => {
    const url = (await session('/sessions/cancelled.bin')).uploadUrl ?? '';
    expect((await call(url, { method: 'PUT', headers: { 'content-range': `bytes 0-${KIB320 - 1}/${2 * KIB320}` }, body: randomBytes(KIB320) })).status).toBe(202);
    expect((await call(url, { method: 'DELETE' })).status).toBe(204);
    const after = await call(url);
    expect(after.status).toBe(404);
    expect(after.body).toMatchObject({ error: { code: 'itemNotFound' } });
    const tree = await driveTree(sandbox, upn);
    expect(tree.items.some((i) => i.name === 'cancelled.bin')).toBe(false);
  });

  it('keeps both files with conflictBehavior rename, and refuses with fail (409)', async () => {
    const first = await session('/sessions/twice.bin');
    expect((await call(first.uploadUrl ?? '', { method: 'PUT', headers: { 'content-range': 'bytes 0-9/10' }, body: randomBytes(10) })).status).toBe(201);
    const again = (await client.api(`${base}/root:/sessions/twice.bin:/createUploadSession`).post({ item: { '@microsoft.graph.conflictBehavior': 'rename' } })) as MicrosoftGraph.UploadSession;
    const second = await call(again.uploadUrl ?? '', { method: 'PUT', headers: { 'content-range': 'bytes 0-9/10' }, body: randomBytes(10) });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ name: 'twice 1.bin' });
    await expect(client.api(`${base}/root:/sessions/twice.bin:/createUploadSession`).post({ item: { '@microsoft.graph.conflictBehavior': 'fail' } })).rejects.toMatchObject({ statusCode: 409, code: 'nameAlreadyExists' });
  });

  it('rejects a tampered upload URL with 401', async () => {
    const url = (await session('/sessions/tampered.bin')).uploadUrl ?? '';
    const r = await call(url.replace(/guid=[^&]+/, 'guid=00000000-0000-0000-0000-000000000000'));
    expect(r.status).toBe(401);
  });

  it('does not charge the pre-authenticated upload URL against the app’s drive budget', async () => {
    const put = (overrides: unknown[]) => kit.inspect('/throttle', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true, overrides }) });
    const token = await kit.appToken();
    await put([{ limit: 'graph.drive', tenant: kit.tenantId, spec: { rate: { count: 1, perSeconds: 3600 } } }]);
    try {
      const url = (await session('/sessions/after-budget.bin')).uploadUrl ?? '';
      expect((await call(url, { method: 'PUT', headers: { 'content-range': 'bytes 0-9/10' }, body: randomBytes(10) })).status).toBe(201);
      const spent = await call(`${sandbox.endpoints.graph}${base}/root/children`, { headers: { authorization: `Bearer ${token}` } });
      expect(spent.status).toBe(429);
    } finally {
      await put([]);
    }
  });
});
