import { createHash } from 'node:crypto';
import { googleDriveWorkload } from '../google/drive/google-drive.workload';
import type { Sandbox } from '../sandbox';
import { googleAccessToken } from '../testing/google-token';
import { call, startTestSandbox } from '../testing/test-sandbox';

const DRIVE = 'https://www.googleapis.com/auth/drive';
const MIB = 1024 * 1024;

/** Faults as a client meets them on the wire: served by the real server, not the injector alone. */
// Sandbox start-up generates RSA keys; on a loaded 2-core machine that outlasts jest's 5 s default.
jest.setTimeout(30_000);

describe('fault injection on the wire', () => {
  let sandbox: Sandbox;
  let auth: Record<string, string>;
  let fileId: string;
  const fault = async (rule: unknown) => {
    const r = await call(`${sandbox.endpoints.inspect}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    expect(r.status).toBe(201);
  };
  const download = () => fetch(`${sandbox.endpoints.googleRoot}drive/v3/files/${fileId}?alt=media`, { headers: auth });

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      scenario: { name: 'faults', google: { tenants: [{ domain: 'fabrikam.example', users: 1, workloads: { drive: { filesPerUser: 3, fileSizes: [MIB] } } }] } },
      workloads: [googleDriveWorkload],
    });
    const users = (await call(`${sandbox.endpoints.inspect}/google/${sandbox.endpoints.google.customerId}/users`)).body as { users: { primaryEmail: string }[] };
    const user = users.users.find((u) => !u.primaryEmail.startsWith('admin@'))?.primaryEmail ?? '';
    auth = { authorization: `Bearer ${await googleAccessToken(sandbox.endpoints, user, [DRIVE])}` };
    const list = await call(`${sandbox.endpoints.googleRoot}drive/v3/files?fields=files(id,size,mimeType)&pageSize=100`, { headers: auth });
    const files = (list.body as { files: { id: string; size?: string; mimeType: string }[] }).files;
    fileId = files.find((f) => f.size === String(MIB))?.id ?? '';
    expect(fileId).not.toBe('');
  }, 60_000);
  afterAll(() => sandbox.close());
  afterEach(() => call(`${sandbox.endpoints.inspect}/faults`, { method: 'DELETE' }));

  it('answers an injected 503 in Google shape with Retry-After, once, then serves normally', async () => {
    await fault({ operation: 'drive.files.get', times: 1, effect: { kind: 'status', status: 503, retryAfterS: 7 } });
    const failed = await download();
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('7');
    expect(await failed.json()).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE', errors: [{ reason: 'backendError' }] } });
    const ok = await download();
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBe(MIB);
  });

  it('resets a download mid-body: the client gets the head, part of the body, then an error', async () => {
    await fault({ operation: 'drive.files.get', times: 1, effect: { kind: 'reset-response', afterBytes: 100_000 } });
    const res = await download();
    expect(res.status).toBe(200);
    let received = 0;
    const reader = res.body?.getReader();
    const drained = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        received += (chunk.value as Uint8Array).byteLength;
      }
    })();
    await expect(drained).rejects.toThrow();
    expect(received).toBeLessThan(MIB);
  });

  it('cuts an upload off mid-chunk; the resumable session reports what arrived and the upload completes from there', async () => {
    const content = Buffer.alloc(MIB, 0x5a);
    content.write('ferry fault test', 0);
    const start = await fetch(`${sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-length': String(content.length) },
      body: JSON.stringify({ name: 'cut-off.bin' }),
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location') ?? '';
    await fault({ operation: 'drive.files.upload.chunk', times: 1, effect: { kind: 'reset-request', afterBytes: 600_000 } });
    await expect(fetch(session, { method: 'PUT', headers: { 'content-range': `bytes 0-${content.length - 1}/${content.length}` }, body: content })).rejects.toThrow();
    const status = await fetch(session, { method: 'PUT', headers: { 'content-range': `bytes */${content.length}` } });
    expect(status.status).toBe(308);
    const range = status.headers.get('range');
    const have = range ? Number(/bytes=0-(\d+)/.exec(range)?.[1] ?? '-1') + 1 : 0;
    expect(have).toBeLessThan(content.length);
    const done = await fetch(session, { method: 'PUT', headers: { 'content-range': `bytes ${have}-${content.length - 1}/${content.length}` }, body: content.subarray(have) });
    expect(done.status).toBe(200);
    const { id } = (await done.json()) as { id: string };
    const back = await fetch(`${sandbox.endpoints.googleRoot}drive/v3/files/${id}?alt=media`, { headers: auth });
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(sha(new Uint8Array(await back.arrayBuffer()))).toBe(sha(content));
  });

  it('delays a request by the injected latency', async () => {
    await fault({ operation: 'drive.files.list', effect: { kind: 'latency', latency: { kind: 'fixed', ms: 400 } } });
    const started = performance.now();
    const r = await call(`${sandbox.endpoints.googleRoot}drive/v3/files?pageSize=1`, { headers: auth });
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('refuses a malformed fault rule with the field named', async () => {
    const r = await call(`${sandbox.endpoints.inspect}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'x', effect: { kind: 'status', status: 200 } }) });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('effect.status');
  });
});
