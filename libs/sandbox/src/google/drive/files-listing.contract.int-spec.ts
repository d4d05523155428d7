import type { drive_v3 } from 'googleapis';
import { expectShape } from '../../testing/shape';
import { call } from '../../testing/test-sandbox';
import { FILE_SHAPE, failure, startDriveFixture, type DriveFixture } from './drive-contract.fixture';

const FOLDER = 'application/vnd.google-apps.folder';

describe('Drive v3 files.list and files.get through googleapis', () => {
  let fx: DriveFixture;
  let ada: drive_v3.Drive;
  beforeAll(async () => {
    fx = await startDriveFixture();
    ada = await fx.drive(fx.users[0] ?? '');
  });
  afterAll(() => fx.close());

  it('lists with only Drive’s default fields unless `fields` asks, in the FileList shape', async () => {
    const { data } = await ada.files.list();
    expectShape<drive_v3.Schema$FileList>(
      data,
      { kind: 'string', incompleteSearch: 'boolean', files: 'array', nextPageToken: 'string' },
      ['kind', 'files'],
    );
    expect(data.kind).toBe('drive#fileList');
    for (const f of data.files ?? [])
      expect(Object.keys(f).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    const full = await ada.files.list({
      fields: 'nextPageToken,files(id,name,size,parents,owners(emailAddress),capabilities/canEdit)',
      q: "name = 'big-5GB.bin'",
    });
    expect(Object.keys(full.data)).toEqual(['files']);
    expect(full.data.files?.[0]).toEqual({
      id: expect.any(String) as unknown,
      name: 'big-5GB.bin',
      size: String(5 * 1024 ** 3),
      parents: [expect.any(String) as unknown],
      owners: [{ emailAddress: fx.users[0] }],
      capabilities: { canEdit: true },
    });
  });

  it('returns every field of a file in the Schema$File shape with fields=*', async () => {
    const list = await ada.files.list({ q: "mimeType = 'application/pdf' and 'me' in owners", pageSize: 1 });
    const id = list.data.files?.[0]?.id ?? '';
    const { data } = await ada.files.get({ fileId: id, fields: '*' });
    expectShape<drive_v3.Schema$File>(data, FILE_SHAPE, [
      'kind',
      'id',
      'name',
      'mimeType',
      'parents',
      'size',
      'md5Checksum',
      'sha256Checksum',
      'modifiedTime',
      'owners',
      'capabilities',
    ]);
    expect(data.md5Checksum).toMatch(/^[0-9a-f]{32}$/);
    const inspected = await fx.inspect(`${fx.users[0]}/files/${id}`);
    expect((inspected.body as { sha256: string }).sha256).toBe(data.sha256Checksum);
  });

  it('pages with pageSize and pageToken without repeating or losing items', async () => {
    const all = await ada.files.list({ pageSize: 1000, fields: 'files(id)' });
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await ada.files.list({
        pageSize: 4,
        ...(pageToken ? { pageToken } : {}),
        fields: 'nextPageToken,files(id)',
      });
      expect((data.files ?? []).length).toBeLessThanOrEqual(4);
      seen.push(...(data.files ?? []).map((f) => f.id ?? ''));
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBeGreaterThan(2);
    expect(seen).toEqual((all.data.files ?? []).map((f) => f.id));
    expect(new Set(seen).size).toBe(seen.length);
    const reused = await failure(
      ada.files.list({
        pageSize: 4,
        q: 'trashed = false',
        pageToken: (await ada.files.list({ pageSize: 4 })).data.nextPageToken ?? '',
      }),
    );
    expect(reused.status).toBe(400);
  });

  it('answers q queries: parents, trashed, mimeType, name, modifiedTime and combinations', async () => {
    const folders = await ada.files.list({
      q: `mimeType = '${FOLDER}' and trashed = false and 'me' in owners`,
      fields: 'files(id,name,parents)',
    });
    expect((folders.data.files ?? []).length).toBe(3);
    const top =
      (await ada.files.list({ q: `'root' in parents and mimeType = '${FOLDER}'`, fields: 'files(id,name)' }))
        .data.files ?? [];
    expect(top).toHaveLength(1);
    const inTop = await ada.files.list({ q: `'${top[0]?.id}' in parents`, fields: 'files(id,name,parents)' });
    expect((inTop.data.files ?? []).length).toBeGreaterThan(0);
    for (const f of inTop.data.files ?? []) expect(f.parents).toEqual([top[0]?.id]);
    const byName = await ada.files.list({
      q: "name = 'big-5GB.bin' or name contains 'Résumé'",
      fields: 'files(name)',
    });
    const names = (byName.data.files ?? []).map((f) => f.name ?? '');
    expect(names).toContain('big-5GB.bin');
    expect(names.some((n) => n.startsWith('Résumé'))).toBe(true);
    const recent = await ada.files.list({ q: "modifiedTime > '2030-01-01T00:00:00Z'" });
    expect(recent.data.files).toEqual([]);
    const old = await ada.files.list({
      q: "modifiedTime > '2020-01-01T00:00:00' and not mimeType = 'application/vnd.google-apps.folder'",
      fields: 'files(mimeType)',
    });
    expect((old.data.files ?? []).length).toBeGreaterThan(5);
    expect((old.data.files ?? []).every((f) => f.mimeType !== FOLDER)).toBe(true);
  });

  it('rejects syntax it does not support with 400 Invalid Value at q', async () => {
    for (const q of ["name = 'x", 'size > 10', "title = 'x'"]) {
      const e = await failure(ada.files.list({ q }));
      expect(e.status).toBe(400);
      expect(e.error).toMatchObject({
        code: 400,
        message: 'Invalid Value',
        errors: [{ reason: 'invalid', location: 'q' }],
      });
    }
  });

  it('shows items shared with a user, and hides unshared ones as 404 notFound', async () => {
    const [owner = '', other = '', third = ''] = fx.users;
    const bob = await fx.drive(other);
    const shared = await bob.files.list({
      q: `'${owner}' in owners`,
      fields: 'files(id,name,owners(emailAddress),ownedByMe)',
    });
    expect((shared.data.files ?? []).length).toBeGreaterThan(0);
    expect(shared.data.files?.every((f) => f.ownedByMe === false)).toBe(true);
    const mine = (await ada.files.list({ q: "name = 'big-5GB.bin'" })).data.files?.[0]?.id ?? '';
    const hidden = await failure(bob.files.get({ fileId: mine }));
    expect(hidden.status).toBe(404);
    expect(hidden.error).toMatchObject({
      message: `File not found: ${mine}.`,
      errors: [{ reason: 'notFound', location: 'fileId' }],
    });
    const carol = await fx.drive(third);
    expect((await failure(carol.files.get({ fileId: mine }))).status).toBe(404);
    expect((await failure(ada.files.get({ fileId: '1doesNotExist' }))).error.errors[0]?.reason).toBe(
      'notFound',
    );
  });

  it('keeps tenants apart: another tenant’s file id is not found for this tenant’s users', async () => {
    const listed = await call(`${fx.sandbox.endpoints.inspect}/google/tailspin.example/users`);
    const foreignUser =
      (listed.body as { users: { primaryEmail: string }[] }).users.find(
        (u) => !u.primaryEmail.startsWith('admin@'),
      )?.primaryEmail ?? '';
    const tree = await fx.inspect(`${foreignUser}/tree`);
    const foreignId = (tree.body as { items: { id: string }[] }).items[0]?.id ?? '';
    expect(foreignId).not.toBe('');
    const e = await failure(ada.files.get({ fileId: foreignId }));
    expect(e.status).toBe(404);
    expect(e.error.message).toBe(`File not found: ${foreignId}.`);
    const listedByAda = await ada.files.list({ pageSize: 1000, fields: 'files(id)' });
    expect(listedByAda.data.files?.some((f) => f.id === foreignId)).toBe(false);
  });

  it('lists a shared drive for members that declare supportsAllDrives, and 404s it otherwise', async () => {
    const drives = await ada.drives.list({ fields: '*' });
    expectShape<drive_v3.Schema$DriveList>(
      drives.data,
      { kind: 'string', drives: 'array', nextPageToken: 'string' },
      ['kind', 'drives'],
    );
    const d = drives.data.drives?.[0];
    expectShape<drive_v3.Schema$Drive>(
      d,
      {
        kind: 'string',
        id: 'string',
        name: 'string',
        createdTime: 'string',
        hidden: 'boolean',
        colorRgb: 'string',
        themeId: 'string',
        backgroundImageLink: 'string',
        capabilities: 'object',
        restrictions: 'object',
      },
      ['id', 'name'],
    );
    const driveId = d?.id ?? '';
    expect((await ada.drives.get({ driveId })).data).toEqual({
      kind: 'drive#drive',
      id: driveId,
      name: 'Équipe Migration – Ferry',
    });
    const items = await ada.files.list({
      corpora: 'drive',
      driveId,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
      fields: 'files(id,name,driveId)',
    });
    expect((items.data.files ?? []).length).toBe(4);
    expect(items.data.files?.every((f) => f.driveId === driveId)).toBe(true);
    const fileId = items.data.files?.find((f) => f.name?.endsWith('.pdf'))?.id ?? '';
    expect((await ada.files.get({ fileId, supportsAllDrives: true })).status).toBe(200);
    expect((await failure(ada.files.get({ fileId }))).status).toBe(404);
    const missingFlag = await failure(ada.files.list({ corpora: 'drive', driveId }));
    expect(missingFlag.status).toBe(400);
    // The last seeded user is not a member.
    const outsider = await fx.drive(fx.users[2] ?? '');
    expect((await outsider.drives.list()).data.drives).toEqual([]);
    expect((await failure(outsider.drives.get({ driveId }))).error.errors[0]?.reason).toBe('notFound');
    const notMember = await failure(
      outsider.files.list({
        corpora: 'drive',
        driveId,
        includeItemsFromAllDrives: true,
        supportsAllDrives: true,
      }),
    );
    expect(notMember.status).toBe(404);
  });

  it('refuses a token without a Drive scope with 403 insufficientPermissions', async () => {
    const gmailOnly = await fx.drive(fx.users[0] ?? '', ['https://www.googleapis.com/auth/gmail.modify']);
    const e = await failure(gmailOnly.files.list());
    expect(e.status).toBe(403);
    expect(e.error.errors[0]?.reason).toBe('insufficientPermissions');
  });
});
