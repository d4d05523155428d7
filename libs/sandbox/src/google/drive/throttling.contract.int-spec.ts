import type { drive_v3 } from 'googleapis';
import { call } from '../../testing/test-sandbox';
import { failure, startDriveFixture, type DriveFixture } from './drive-contract.fixture';

describe('Drive v3 budgets: drive.user is charged to the impersonated user', () => {
  let fx: DriveFixture;
  let ada: drive_v3.Drive;
  let bob: drive_v3.Drive;
  beforeAll(async () => {
    fx = await startDriveFixture();
    ada = await fx.drive(fx.users[0] ?? '');
    bob = await fx.drive(fx.users[1] ?? '');
  });
  afterAll(() => fx.close());

  it('answers 403 userRateLimitExceeded once one user’s budget is spent, leaving other users alone', async () => {
    const set = await call(`${fx.sandbox.endpoints.inspect}/throttle`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        overrides: [
          { limit: 'drive.user', user: fx.users[0], spec: { rate: { count: 2, perSeconds: 3600 } } },
        ],
      }),
    });
    expect(set.status).toBe(200);
    await ada.files.list({ pageSize: 1 });
    await ada.about.get({ fields: 'user' });
    const e = await failure(ada.files.list({ pageSize: 1 }));
    expect(e.status).toBe(403);
    expect(e.error.errors[0]?.reason).toBe('userRateLimitExceeded');
    expect((await bob.files.list({ pageSize: 1 })).status).toBe(200);
  });

  it('rejects a fields mask naming a field Drive files do not have, before changing anything', async () => {
    const before = (await bob.files.list({ q: "name = 'typo.txt'" })).data.files?.length;
    const e = await failure(bob.files.create({ requestBody: { name: 'typo.txt' }, fields: 'id,nmae' }));
    expect(e.status).toBe(400);
    expect(e.error).toMatchObject({
      message: 'Invalid field selection nmae',
      errors: [{ reason: 'invalidParameter', location: 'fields' }],
    });
    expect((await bob.files.list({ q: "name = 'typo.txt'" })).data.files?.length).toBe(before);
    expect((await failure(bob.files.list({ fields: 'files(id,title)' }))).status).toBe(400);
  });

  it('does not charge resumable chunk PUTs, which the upload id authorises, against the user’s budget', async () => {
    const carol = fx.users[2] ?? '';
    const token = await fx.token(carol);
    const set = await call(`${fx.sandbox.endpoints.inspect}/throttle`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ overrides: [{ limit: 'drive.user', user: carol, spec: { rate: { count: 1, perSeconds: 3600 } } }] }),
    });
    expect(set.status).toBe(200);
    const init = await fetch(`${fx.sandbox.endpoints.googleRoot}upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":"after-budget.bin"}',
    });
    expect(init.status).toBe(200);
    const chunk = await fetch(init.headers.get('location') ?? '', { method: 'PUT', headers: { 'content-range': 'bytes 0-9/10' }, body: Buffer.alloc(10, 7) });
    expect(chunk.status).toBe(200);
    const spent = await failure((await fx.drive(carol)).files.list({ pageSize: 1 }));
    expect(spent.error.errors[0]?.reason).toBe('userRateLimitExceeded');
  });
});
