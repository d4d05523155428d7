import type { drive_v3 } from 'googleapis';
import { DEFAULT_DWD_SCOPES } from '../../state/directory.seeder';
import { expectShape } from '../../testing/shape';
import { call } from '../../testing/test-sandbox';
import { FILE_SHAPE, failure, startDriveFixture, type DriveFixture } from './drive-contract.fixture';

const FOLDER = 'application/vnd.google-apps.folder';

describe('Drive v3 files.create / update / copy / delete through googleapis', () => {
  let fx: DriveFixture;
  let ada: drive_v3.Drive;
  beforeAll(async () => {
    fx = await startDriveFixture();
    ada = await fx.drive(fx.users[0] ?? '');
  });
  afterAll(() => fx.close());

  it('creates nested folders with reserved and non-ASCII names and reads their paths back', async () => {
    const outer = await ada.files.create({
      requestBody: { name: 'Migré: "2025" / Q1?', mimeType: FOLDER },
      fields: 'id,name,mimeType,parents,ownedByMe',
    });
    expectShape<drive_v3.Schema$File>(outer.data, FILE_SHAPE, ['id', 'name', 'mimeType', 'parents']);
    expect(outer.data).toMatchObject({ name: 'Migré: "2025" / Q1?', mimeType: FOLDER, ownedByMe: true });
    const inner = await ada.files.create({
      requestBody: { name: '日本語 <tab>\t*', mimeType: FOLDER, parents: [outer.data.id ?? ''] },
      fields: 'id,parents',
    });
    expect(inner.data.parents).toEqual([outer.data.id]);
    const tree = await fx.inspect(`${fx.users[0]}/tree`);
    const item = (tree.body as { items: { id: string; pathSegments: string[] }[] }).items.find(
      (i) => i.id === inner.data.id,
    );
    expect(item?.pathSegments).toEqual(['Migré: "2025" / Q1?', '日本語 <tab>\t*']);
  });

  it('creates a file with preserved modifiedTime and properties, then finds it by property', async () => {
    const { data } = await ada.files.create({
      requestBody: {
        name: 'empty.txt',
        mimeType: 'text/plain',
        modifiedTime: '2019-05-04T03:02:01.000Z',
        properties: { ferrySourceId: 'AAMkAG-1' },
      },
      fields: 'id,modifiedTime,properties,size',
    });
    expect(data).toMatchObject({
      modifiedTime: '2019-05-04T03:02:01.000Z',
      properties: { ferrySourceId: 'AAMkAG-1' },
      size: '0',
    });
    const found = await ada.files.list({
      q: "properties has { key='ferrySourceId' and value='AAMkAG-1' }",
      fields: 'files(id)',
    });
    expect(found.data.files).toEqual([{ id: data.id }]);
  });

  it('renames, moves with addParents/removeParents, and refuses a second parent or a parents body', async () => {
    const a =
      (await ada.files.create({ requestBody: { name: 'A', mimeType: FOLDER }, fields: 'id' })).data.id ?? '';
    const b =
      (await ada.files.create({ requestBody: { name: 'B', mimeType: FOLDER }, fields: 'id' })).data.id ?? '';
    const f = await ada.files.create({
      requestBody: { name: 'doc.txt', parents: [a] },
      fields: 'id,parents',
    });
    const fileId = f.data.id ?? '';
    const moved = await ada.files.update({
      fileId,
      addParents: b,
      removeParents: a,
      requestBody: { name: 'renamed.txt' },
      fields: 'name,parents,version',
    });
    expect(moved.data).toMatchObject({ name: 'renamed.txt', parents: [b] });
    const twoParents = await failure(ada.files.update({ fileId, addParents: a, requestBody: {} }));
    expect(twoParents.status).toBe(403);
    expect(twoParents.error.errors[0]?.reason).toBe('cannotAddParent');
    const body = await failure(ada.files.update({ fileId, requestBody: { parents: [a] } }));
    expect(body.error.errors[0]?.reason).toBe('fieldNotWritable');
    const cycle = await failure(
      ada.files.update({ fileId: a, addParents: a, removeParents: 'root', requestBody: {} }),
    );
    expect(cycle.status).toBe(400);
  });

  it('trashes a folder with its children, which list shows until trashed = false filters them', async () => {
    const folder =
      (await ada.files.create({ requestBody: { name: 'To trash', mimeType: FOLDER }, fields: 'id' })).data
        .id ?? '';
    const child =
      (await ada.files.create({ requestBody: { name: 'child.bin', parents: [folder] }, fields: 'id' })).data
        .id ?? '';
    await ada.files.update({ fileId: folder, requestBody: { trashed: true } });
    const c = await ada.files.get({ fileId: child, fields: 'trashed,explicitlyTrashed' });
    expect(c.data).toEqual({ trashed: true, explicitlyTrashed: false });
    const visible = await ada.files.list({ q: `'${folder}' in parents and trashed = false` });
    expect(visible.data.files).toEqual([]);
    const all = await ada.files.list({ q: `'${folder}' in parents` });
    expect(all.data.files?.map((x) => x.id)).toEqual([child]);
  });

  it('deletes permanently (204) and then answers 404; a non-owner gets 403 insufficientFilePermissions', async () => {
    const id = (await ada.files.create({ requestBody: { name: 'gone.txt' }, fields: 'id' })).data.id ?? '';
    const shared =
      (
        await ada.files.list({
          q: `'${fx.users[1]}' in writers and 'me' in owners and mimeType != '${FOLDER}'`,
          fields: 'files(id)',
        })
      ).data.files?.[0]?.id ?? '';
    const del = await ada.files.delete({ fileId: id });
    expect(del.status).toBe(204);
    expect((await failure(ada.files.get({ fileId: id }))).status).toBe(404);
    const bob = await fx.drive(fx.users[1] ?? '');
    const e = await failure(bob.files.delete({ fileId: shared }));
    expect(e.status).toBe(403);
    expect(e.error.errors[0]?.reason).toBe('insufficientFilePermissions');
  });

  it('copies a binary file sharing its bytes, and refuses to copy a folder', async () => {
    const src = (
      await ada.files.list({
        q: "mimeType = 'application/pdf' and 'me' in owners",
        fields: 'files(id,name,md5Checksum)',
        pageSize: 1,
      })
    ).data.files?.[0];
    const copy = await ada.files.copy({
      fileId: src?.id ?? '',
      requestBody: {},
      fields: 'id,name,md5Checksum',
    });
    expect(copy.data.name).toBe(`Copy of ${src?.name}`);
    expect(copy.data.md5Checksum).toBe(src?.md5Checksum);
    const folder =
      (await ada.files.list({ q: `mimeType = '${FOLDER}'`, pageSize: 1 })).data.files?.[0]?.id ?? '';
    expect((await failure(ada.files.copy({ fileId: folder, requestBody: {} }))).error.errors[0]?.reason).toBe(
      'cannotCopyFile',
    );
  });

  it('rejects bad input: malformed JSON, read-only fields, an unknown parent, ungenerated ids, a read-only scope', async () => {
    const token = await fx.token(fx.users[0] ?? '');
    const malformed = await call(`${fx.sandbox.endpoints.googleRoot}drive/v3/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect((malformed.body as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe(
      'parseError',
    );
    expect(
      (await failure(ada.files.create({ requestBody: { name: 'x', size: '10' } }))).error.errors[0]?.reason,
    ).toBe('fieldNotWritable');
    const parent = await failure(ada.files.create({ requestBody: { name: 'x', parents: ['1nope'] } }));
    expect(parent.status).toBe(404);
    expect(parent.error.message).toBe('File not found: 1nope.');
    const gen = await ada.files.generateIds({ count: 2 });
    expect(gen.data.ids).toHaveLength(2);
    const withId = await ada.files.create({
      requestBody: { id: gen.data.ids?.[0] ?? '', name: 'preassigned' },
      fields: 'id',
    });
    expect(withId.data.id).toBe(gen.data.ids?.[0]);
    expect(
      (
        await failure(
          ada.files.create({ requestBody: { id: '1madeUpIdThatWasNeverGenerated00', name: 'x' } }),
        )
      ).error.errors[0]?.reason,
    ).toBe('fileIdNotUsable');
    const scope = 'https://www.googleapis.com/auth/drive.readonly';
    const { customerId, serviceAccountKey } = fx.sandbox.endpoints.google;
    await call(`${fx.sandbox.endpoints.inspect}/google/${customerId}/delegation`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientEmail: serviceAccountKey['client_email'],
        scopes: [...DEFAULT_DWD_SCOPES, scope],
      }),
    });
    const readonly = await fx.drive(fx.users[0] ?? '', [scope]);
    expect((await readonly.files.list({ pageSize: 1 })).status).toBe(200);
    const denied = await failure(readonly.files.create({ requestBody: { name: 'nope' } }));
    expect(denied.status).toBe(403);
    expect(denied.error.errors[0]?.reason).toBe('insufficientPermissions');
  });
});
