import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { drive_v3 } from 'googleapis';
import { expectShape } from '../../testing/shape';
import { FILE_SHAPE, startDriveFixture, type DriveFixture } from './drive-contract.fixture';

const KIB256 = 256 * 1024;

describe('Drive v3 uploads: multipart and media through googleapis, resumable by its protocol', () => {
  let fx: DriveFixture;
  let ada: drive_v3.Drive;
  let token: string;
  beforeAll(async () => {
    fx = await startDriveFixture();
    ada = await fx.drive(fx.users[0] ?? '');
    token = await fx.token(fx.users[0] ?? '');
  });
  afterAll(() => fx.close());

  const readBack = async (fileId: string): Promise<Buffer> => {
    const res = await ada.files.get({ fileId, alt: 'media' }, { responseType: 'arraybuffer' });
    return Buffer.from(res.data as unknown as ArrayBuffer);
  };
  // googleapis applies a client-wide rootUrl to API paths but not to its /upload mediaUrl, so
  // upload calls pass rootUrl per call (Ferry's Drive adapter has to do the same).
  const media = () => ({ rootUrl: fx.sandbox.endpoints.googleRoot });
  const put = (url: string, headers: Record<string, string>, body?: Buffer) =>
    fetch(url, { method: 'PUT', headers, redirect: 'manual', ...(body ? { body } : {}) });

  it('lands a multipart upload (metadata + stream) byte for byte, with its MD5', async () => {
    const bytes = randomBytes(700_000);
    const { data } = await ada.files.create(
      {
        requestBody: { name: 'Rapport été.bin', properties: { source: 'onedrive' } },
        media: { mimeType: 'application/octet-stream', body: Readable.from([bytes]) },
        fields: 'id,name,size,md5Checksum,mimeType,properties',
      },
      media(),
    );
    expectShape<drive_v3.Schema$File>(data, FILE_SHAPE, ['id', 'size', 'md5Checksum']);
    expect(data).toMatchObject({
      name: 'Rapport été.bin',
      size: String(bytes.length),
      md5Checksum: createHash('md5').update(bytes).digest('hex'),
      properties: { source: 'onedrive' },
    });
    expect((await readBack(data.id ?? '')).equals(bytes)).toBe(true);
    const inspected = await fx.inspect(`${fx.users[0]}/files/${data.id}`);
    expect((inspected.body as { sha256: string }).sha256).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('replaces content with a media upload on files.update, bumping version and modifiedTime', async () => {
    const created = await ada.files.create(
      {
        requestBody: { name: 'v1.txt', modifiedTime: '2020-01-01T00:00:00.000Z' },
        media: { mimeType: 'text/plain', body: 'first' },
        fields: 'id,version,modifiedTime',
      },
      media(),
    );
    const updated = await ada.files.update(
      {
        fileId: created.data.id ?? '',
        media: { mimeType: 'text/plain', body: 'second version' },
        fields: 'size,version,modifiedTime,mimeType',
      },
      media(),
    );
    expect(updated.data.size).toBe(String('second version'.length));
    expect(Number(updated.data.version)).toBeGreaterThan(Number(created.data.version));
    expect(Date.parse(updated.data.modifiedTime ?? '')).toBeGreaterThan(
      Date.parse(created.data.modifiedTime ?? ''),
    );
    expect((await readBack(created.data.id ?? '')).toString()).toBe('second version');
  });

  it('runs a resumable upload in 256 KiB-multiple chunks: 308 + Range between, status query, final 200', async () => {
    const total = 3 * 1024 * 1024 + 12_345;
    const bytes = randomBytes(total);
    const init = await fetch(
      `${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=resumable&fields=id,name,size,md5Checksum`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-type': 'application/zip',
          'x-upload-content-length': String(total),
        },
        body: JSON.stringify({ name: 'archive « 2025 ».zip' }),
      },
    );
    expect(init.status).toBe(200);
    const session = init.headers.get('location') ?? '';
    expect(session).toMatch(/upload_id=/);
    const chunk = 4 * KIB256;
    let offset = 0;
    while (offset + chunk < total) {
      const res = await put(
        session,
        { 'content-range': `bytes ${offset}-${offset + chunk - 1}/${total}` },
        bytes.subarray(offset, offset + chunk),
      );
      expect(res.status).toBe(308);
      expect(res.headers.get('range')).toBe(`bytes=0-${offset + chunk - 1}`);
      offset += chunk;
    }
    const status = await put(session, { 'content-range': `bytes */${total}` });
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe(`bytes=0-${offset - 1}`);
    const last = await put(
      session,
      { 'content-range': `bytes ${offset}-${total - 1}/${total}` },
      bytes.subarray(offset),
    );
    expect(last.status).toBe(200);
    const file = (await last.json()) as drive_v3.Schema$File;
    expect(file).toEqual({
      id: expect.any(String) as unknown,
      name: 'archive « 2025 ».zip',
      size: String(total),
      md5Checksum: createHash('md5').update(bytes).digest('hex'),
    });
    expect((await readBack(file.id ?? '')).equals(bytes)).toBe(true);
    const again = await put(session, { 'content-range': `bytes */${total}` });
    expect(again.status).toBe(200);
  });

  it('keeps only whole 256 KiB units of a non-final chunk and refuses one smaller than 256 KiB', async () => {
    const total = 2 * KIB256 + 10;
    const bytes = randomBytes(total);
    const init = await fetch(`${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":"odd.bin"}',
    });
    const session = init.headers.get('location') ?? '';
    const tooSmall = await put(session, { 'content-range': `bytes 0-99/${total}` }, bytes.subarray(0, 100));
    expect(tooSmall.status).toBe(400);
    const odd = await put(
      session,
      { 'content-range': `bytes 0-${KIB256 + 999}/${total}` },
      bytes.subarray(0, KIB256 + 1000),
    );
    expect(odd.status).toBe(308);
    expect(odd.headers.get('range')).toBe(`bytes=0-${KIB256 - 1}`);
    const rest = await put(
      session,
      { 'content-range': `bytes ${KIB256}-${total - 1}/${total}` },
      bytes.subarray(KIB256),
    );
    expect(rest.status).toBe(200);
    const { id } = (await rest.json()) as { id: string };
    expect((await readBack(id)).equals(bytes)).toBe(true);
  });

  it('updates an existing file through a resumable session on PATCH', async () => {
    const created = await ada.files.create(
      { requestBody: { name: 'resumed.txt' }, media: { mimeType: 'text/plain', body: 'old' }, fields: 'id' },
      media(),
    );
    const init = await fetch(
      `${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files/${created.data.id}?uploadType=resumable`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(init.status).toBe(200);
    const res = await put(
      init.headers.get('location') ?? '',
      { 'content-range': 'bytes 0-2/3' },
      Buffer.from('new'),
    );
    expect(res.status).toBe(200);
    expect((await readBack(created.data.id ?? '')).toString()).toBe('new');
  });

  it('answers an unknown session with 404 and a malformed multipart body with 400', async () => {
    const unknown = await put(
      `${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=resumable&upload_id=nope`,
      { 'content-range': 'bytes */10' },
    );
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=multipart`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/related; boundary=xyz' },
      body: '--xyz\r\ncontent-type: application/json\r\n\r\n{"name":"x"}',
    });
    expect(bad.status).toBe(400);
    const badType = await fetch(
      `${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=chunked`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'x' },
    );
    expect(badType.status).toBe(400);
    expect(
      ((await badType.json()) as { error: { errors: { location: string }[] } }).error.errors[0]?.location,
    ).toBe('uploadType');
  });
});
