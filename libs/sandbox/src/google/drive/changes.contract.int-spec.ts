import type { drive_v3 } from 'googleapis';
import { expectShape } from '../../testing/shape';
import { call } from '../../testing/test-sandbox';
import { failure, startDriveFixture, type DriveFixture } from './drive-contract.fixture';

const CHANGE_SHAPE = {
  kind: 'string',
  changeType: 'string',
  type: 'string',
  time: 'string',
  removed: 'boolean',
  fileId: 'string',
  driveId: 'string',
  file: 'object',
} as const;

describe('Drive v3 changes feed through googleapis', () => {
  let fx: DriveFixture;
  let ada: drive_v3.Drive;
  let bob: drive_v3.Drive;
  beforeAll(async () => {
    fx = await startDriveFixture();
    ada = await fx.drive(fx.users[0] ?? '');
    bob = await fx.drive(fx.users[1] ?? '');
  });
  afterAll(() => fx.close());

  /** Every change from `pageToken` to the end, following nextPageToken. */
  const drain = async (
    client: drive_v3.Drive,
    pageToken: string,
    extra: drive_v3.Params$Resource$Changes$List = {},
  ) => {
    const changes: drive_v3.Schema$Change[] = [];
    let token = pageToken;
    for (let i = 0; i < 1000; i++) {
      const { data } = await client.changes.list({ pageToken: token, ...extra });
      expectShape<drive_v3.Schema$ChangeList>(
        data,
        { kind: 'string', changes: 'array', nextPageToken: 'string', newStartPageToken: 'string' },
        ['kind', 'changes'],
      );
      changes.push(...(data.changes ?? []));
      if (data.newStartPageToken) return { changes, newStartPageToken: data.newStartPageToken };
      token = data.nextPageToken ?? '';
    }
    throw new Error('no newStartPageToken');
  };

  it('reports nothing since a fresh start token, and the same token back as newStartPageToken', async () => {
    const { data } = await ada.changes.getStartPageToken();
    expectShape<drive_v3.Schema$StartPageToken>(data, { kind: 'string', startPageToken: 'string' }, [
      'kind',
      'startPageToken',
    ]);
    const list = await ada.changes.list({ pageToken: data.startPageToken ?? '' });
    expect(list.data).toEqual({
      kind: 'drive#changeList',
      newStartPageToken: data.startPageToken,
      changes: [],
    });
  });

  it('reports API and inspection mutations once each, latest state, removals, then a new start token', async () => {
    const start = (await ada.changes.getStartPageToken()).data.startPageToken ?? '';
    const created =
      (await ada.files.create({ requestBody: { name: 'draft.txt' }, fields: 'id' })).data.id ?? '';
    await ada.files.update({ fileId: created, requestBody: { name: 'final.txt' } });
    const added = await fx.inspect(`${fx.users[0]}/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'added by test.bin', size: 2048 }),
    });
    const addedId = (added.body as { id: string }).id;
    const modified = await fx.inspect(`${fx.users[0]}/files/${addedId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'modified by test.bin', size: 4096 }),
    });
    expect(modified.status).toBe(200);
    const doomed =
      (await ada.files.create({ requestBody: { name: 'doomed.txt' }, fields: 'id' })).data.id ?? '';
    await fx.inspect(`${fx.users[0]}/files/${doomed}`, { method: 'DELETE' });
    const { changes, newStartPageToken } = await drain(ada, start, {
      pageSize: 1,
      fields:
        'nextPageToken,newStartPageToken,kind,changes(kind,changeType,type,time,removed,fileId,file(id,name,trashed,size))',
    });
    for (const c of changes)
      expectShape<drive_v3.Schema$Change>(c, CHANGE_SHAPE, [
        'kind',
        'changeType',
        'time',
        'removed',
        'fileId',
      ]);
    expect(changes.map((c) => c.fileId)).toEqual([created, addedId, doomed]);
    expect(changes[0]?.file).toEqual({ id: created, name: 'final.txt', trashed: false, size: '0' });
    expect(changes[1]?.file).toEqual({
      id: addedId,
      name: 'modified by test.bin',
      trashed: false,
      size: '4096',
    });
    expect(changes[2]).toMatchObject({ removed: true, fileId: doomed });
    expect(changes[2]?.file).toBeUndefined();
    expect(Number(newStartPageToken)).toBeGreaterThan(Number(start));
    expect((await ada.changes.list({ pageToken: newStartPageToken })).data.changes).toEqual([]);
  });

  it('shows a collaborator a file when it is shared and a removal when it is unshared', async () => {
    const start = (await bob.changes.getStartPageToken()).data.startPageToken ?? '';
    const id = (await ada.files.create({ requestBody: { name: 'for bob.txt' }, fields: 'id' })).data.id ?? '';
    const perm = await ada.permissions.create({
      fileId: id,
      sendNotificationEmail: false,
      requestBody: { type: 'user', role: 'reader', emailAddress: fx.users[1] ?? '' },
    });
    const shared = await drain(bob, start);
    expect(shared.changes.map((c) => [c.fileId, c.removed])).toEqual([[id, false]]);
    await ada.permissions.delete({ fileId: id, permissionId: perm.data.id ?? '' });
    const unshared = await drain(bob, shared.newStartPageToken);
    expect(unshared.changes.map((c) => [c.fileId, c.removed])).toEqual([[id, true]]);
  });

  it('replays the whole visible drive from token 1 and keeps shared-drive items out unless asked', async () => {
    const mine = await ada.files.list({ pageSize: 1000, fields: 'files(id)' });
    const all = await drain(ada, '1', { pageSize: 1000 });
    const ids = new Set(all.changes.filter((c) => !c.removed).map((c) => c.fileId));
    for (const f of mine.data.files ?? []) expect(ids.has(f.id ?? '')).toBe(true);
    expect(all.changes.some((c) => c.driveId)).toBe(false);
    const withDrives = await drain(ada, '1', {
      pageSize: 1000,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
    });
    expect(withDrives.changes.filter((c) => c.driveId).length).toBe(4);
    const driveId = (await ada.drives.list()).data.drives?.[0]?.id ?? '';
    const scoped = await drain(ada, '1', {
      driveId,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
    });
    expect(scoped.changes.length).toBe(4);
    expect(scoped.changes.every((c) => c.driveId === driveId)).toBe(true);
  });

  it('rejects a missing, garbled, invalidated or fault-staled token with Drive’s 400 errors', async () => {
    const missing = await failure(ada.changes.list({ pageToken: '' }));
    expect(missing.error.errors[0]).toMatchObject({ reason: 'required', location: 'pageToken' });
    const garbled = await failure(ada.changes.list({ pageToken: 'abc' }));
    expect(garbled.status).toBe(400);
    expect(garbled.error).toMatchObject({
      message: 'Invalid Value',
      errors: [{ reason: 'invalid', location: 'pageToken' }],
    });
    const token = (await ada.changes.getStartPageToken()).data.startPageToken ?? '';
    const invalidated = await fx.inspect(`${fx.users[0]}/changes/invalidate`, { method: 'POST' });
    expect(invalidated.status).toBe(200);
    const stale = await failure(ada.changes.list({ pageToken: String(Number(token) - 1) }));
    expect(stale.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'pageToken' });
    // Bob's tokens are untouched by Ada's invalidation.
    expect((await bob.changes.list({ pageToken: String(Number(token) - 1) })).status).toBe(200);
    const fresh = (await ada.changes.getStartPageToken()).data.startPageToken ?? '';
    const rule = await call(`${fx.sandbox.endpoints.inspect}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'drive.changes.list', effect: { kind: 'stale-delta' }, times: 1 }),
    });
    expect(rule.status).toBe(201);
    expect((await failure(ada.changes.list({ pageToken: fresh }))).error.errors[0]?.location).toBe(
      'pageToken',
    );
    expect((await ada.changes.list({ pageToken: fresh })).status).toBe(200);
  });
});
