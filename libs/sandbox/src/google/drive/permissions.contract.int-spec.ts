import type { drive_v3 } from 'googleapis';
import { expectShape } from '../../testing/shape';
import { call } from '../../testing/test-sandbox';
import { failure, PERMISSION_SHAPE, startDriveFixture, type DriveFixture } from './drive-contract.fixture';

const notifications = async (fx: DriveFixture): Promise<number> => {
  const s = await call(`${fx.sandbox.endpoints.inspect}/summary`);
  return (
    (s.body as { 'google-drive': { tenants: { sharingNotifications: number }[] } })['google-drive'].tenants[0]
      ?.sharingNotifications ?? -1
  );
};

describe('Drive v3 permissions through googleapis', () => {
  let fx: DriveFixture;
  let ada: drive_v3.Drive;
  let fileId: string;
  beforeAll(async () => {
    fx = await startDriveFixture();
    ada = await fx.drive(fx.users[0] ?? '');
    fileId = (await ada.files.create({ requestBody: { name: 'to share.txt' }, fields: 'id' })).data.id ?? '';
  });
  afterAll(() => fx.close());

  it('lists the owner permission in the PermissionList shape with default fields', async () => {
    const { data } = await ada.permissions.list({ fileId });
    expectShape<drive_v3.Schema$PermissionList>(
      data,
      { kind: 'string', permissions: 'array', nextPageToken: 'string' },
      ['kind', 'permissions'],
    );
    expect(data.permissions).toEqual([
      {
        kind: 'drive#permission',
        id: expect.stringMatching(/^\d{20}$/) as unknown,
        type: 'user',
        emailAddress: fx.users[0],
        role: 'owner',
      },
    ]);
    const full = await ada.permissions.list({ fileId, fields: '*' });
    for (const p of full.data.permissions ?? [])
      expectShape<drive_v3.Schema$Permission>(p, PERMISSION_SHAPE, ['id', 'type', 'role']);
  });

  it('creates user, domain and anyone grants; counts notification e-mails only when asked', async () => {
    const before = await notifications(fx);
    const user = await ada.permissions.create({
      fileId,
      requestBody: { type: 'user', role: 'writer', emailAddress: fx.users[1] ?? '' },
      fields: '*',
    });
    expectShape<drive_v3.Schema$Permission>(user.data, PERMISSION_SHAPE, [
      'id',
      'type',
      'role',
      'emailAddress',
    ]);
    expect(user.data).toMatchObject({ type: 'user', role: 'writer', emailAddress: fx.users[1] });
    await ada.permissions.create({
      fileId,
      sendNotificationEmail: false,
      requestBody: { type: 'user', role: 'commenter', emailAddress: fx.users[2] ?? '' },
    });
    expect(await notifications(fx)).toBe(before + 1);
    const domain = await ada.permissions.create({
      fileId,
      requestBody: { type: 'domain', role: 'reader', domain: 'fabrikam.example', allowFileDiscovery: true },
    });
    expect(domain.data).toMatchObject({
      type: 'domain',
      role: 'reader',
      domain: 'fabrikam.example',
      allowFileDiscovery: true,
    });
    const anyone = await ada.permissions.create({ fileId, requestBody: { type: 'anyone', role: 'reader' } });
    expect(anyone.data.id).toBe('anyoneWithLink');
    const list = await ada.permissions.list({ fileId, fields: 'permissions(id,role,type)' });
    expect(list.data.permissions?.map((p) => p.type).sort()).toEqual([
      'anyone',
      'domain',
      'user',
      'user',
      'user',
    ]);
    const meta = await ada.files.get({ fileId, fields: 'shared,permissionIds' });
    expect(meta.data.shared).toBe(true);
    expect(meta.data.permissionIds).toHaveLength(5);
  });

  it('re-grants in place, updates roles, and deletes grants but never the owner', async () => {
    const again = await ada.permissions.create({
      fileId,
      sendNotificationEmail: false,
      requestBody: { type: 'user', role: 'reader', emailAddress: fx.users[1] ?? '' },
    });
    const count = (await ada.permissions.list({ fileId })).data.permissions?.length;
    expect(again.data.role).toBe('reader');
    const updated = await ada.permissions.update({
      fileId,
      permissionId: again.data.id ?? '',
      requestBody: { role: 'commenter' },
    });
    expect(updated.data.role).toBe('commenter');
    expect((await ada.permissions.list({ fileId })).data.permissions?.length).toBe(count);
    expect((await ada.permissions.delete({ fileId, permissionId: 'anyoneWithLink' })).status).toBe(204);
    const owner =
      (await ada.permissions.list({ fileId })).data.permissions?.find((p) => p.role === 'owner')?.id ?? '';
    const e = await failure(ada.permissions.delete({ fileId, permissionId: owner }));
    expect(e.status).toBe(403);
    const gone = await failure(ada.permissions.get({ fileId, permissionId: 'anyoneWithLink' }));
    expect(gone.status).toBe(404);
    expect(gone.error.message).toBe('Permission not found: anyoneWithLink.');
  });

  it('shows permissions inherited from a shared folder and lets its collaborator in', async () => {
    const folder =
      (
        await ada.files.create({
          requestBody: { name: 'Team', mimeType: 'application/vnd.google-apps.folder' },
          fields: 'id',
        })
      ).data.id ?? '';
    await ada.permissions.create({
      fileId: folder,
      sendNotificationEmail: false,
      requestBody: { type: 'user', role: 'reader', emailAddress: fx.users[2] ?? '' },
    });
    const inner =
      (await ada.files.create({ requestBody: { name: 'inner.txt', parents: [folder] }, fields: 'id' })).data
        .id ?? '';
    const perms = await ada.permissions.list({ fileId: inner, fields: 'permissions(emailAddress,role)' });
    expect(perms.data.permissions).toEqual(
      expect.arrayContaining([{ emailAddress: fx.users[2], role: 'reader' }]),
    );
    const carol = await fx.drive(fx.users[2] ?? '');
    expect((await carol.files.get({ fileId: inner, fields: 'id,capabilities(canEdit)' })).data).toEqual({
      id: inner,
      capabilities: { canEdit: false },
    });
    const share = await failure(
      carol.permissions.create({
        fileId: inner,
        requestBody: { type: 'user', role: 'reader', emailAddress: fx.users[1] ?? '' },
      }),
    );
    expect(share.status).toBe(403);
    expect(share.error.errors[0]?.reason).toBe('insufficientFilePermissions');
  });

  it('validates the body: missing type or role, bad role, owner without transferOwnership', async () => {
    expect(
      (await failure(ada.permissions.create({ fileId, requestBody: { role: 'reader' } }))).error.errors[0]
        ?.reason,
    ).toBe('required');
    expect(
      (
        await failure(
          ada.permissions.create({ fileId, requestBody: { type: 'user', emailAddress: fx.users[1] ?? '' } }),
        )
      ).error.errors[0]?.reason,
    ).toBe('required');
    expect(
      (
        await failure(
          ada.permissions.create({
            fileId,
            requestBody: { type: 'user', role: 'boss', emailAddress: fx.users[1] ?? '' },
          }),
        )
      ).status,
    ).toBe(400);
    const owner = await failure(
      ada.permissions.create({
        fileId,
        requestBody: { type: 'user', role: 'owner', emailAddress: fx.users[1] ?? '' },
      }),
    );
    expect(owner.status).toBe(403);
    const transferred = await ada.permissions.create({
      fileId,
      transferOwnership: true,
      requestBody: { type: 'user', role: 'owner', emailAddress: fx.users[1] ?? '' },
    });
    expect(transferred.data.role).toBe('owner');
    expect((await ada.files.get({ fileId, fields: 'ownedByMe,owners(emailAddress)' })).data).toEqual({
      ownedByMe: false,
      owners: [{ emailAddress: fx.users[1] }],
    });
  });
});
