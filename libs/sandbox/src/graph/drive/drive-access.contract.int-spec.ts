import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Sandbox } from '../../sandbox';
import { DEFAULT_APP_PERMISSIONS } from '../../state/directory.seeder';
import { graphClient, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { DRIVE_SCENARIO } from './drive-test.fixture';
import { graphDriveWorkload } from './graph-drive.workload';

// The machine is shared with other test runs; seeding a sandbox and moving megabytes can take seconds.
jest.setTimeout(30_000);

describe('Graph OneDrive permissions of the caller', () => {
  let kit: GraphKit;
  let sandbox: Sandbox;
  let upn: string;
  beforeAll(async () => {
    kit = await startGraphKit(DRIVE_SCENARIO, [graphDriveWorkload]);
    sandbox = kit.sandbox;
    upn = kit.users[0]?.userPrincipalName ?? '';
  });
  afterEach(() => kit.setAppPermissions(DEFAULT_APP_PERMISSIONS));
  afterAll(() => sandbox.close());

  it('lets a Files.Read.All token read but answers writes with 403 accessDenied', async () => {
    await kit.setAppPermissions(['User.Read.All', 'Files.Read.All']);
    const client = graphClient(sandbox, await kit.appToken());
    const children = (await client.api(`/users/${upn}/drive/root/children`).get()) as { value: MicrosoftGraph.DriveItem[] };
    expect(children.value.length).toBeGreaterThan(0);
    await expect(client.api(`/users/${upn}/drive/root/children`).post({ name: 'nope', folder: {} })).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
    await expect(client.api(`/users/${upn}/drive/root:/nope.txt:/content`).put(Buffer.from('x'))).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
  });

  it('answers a token without any Files or Sites permission with 403 accessDenied', async () => {
    await kit.setAppPermissions(['User.Read.All', 'Mail.ReadWrite']);
    const client = graphClient(sandbox, await kit.appToken());
    await expect(client.api(`/users/${upn}/drive`).get()).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
  });

  it('accepts Sites.ReadWrite.All alone for writes', async () => {
    await kit.setAppPermissions(['Sites.ReadWrite.All']);
    const client = graphClient(sandbox, await kit.appToken());
    const created = (await client.api(`/users/${upn}/drive/root/children`).post({ name: 'sites-only', folder: {} })) as MicrosoftGraph.DriveItem;
    expect(created.name).toBe('sites-only');
  });

  it('gives a delegated token its own drive at /me/drive and 403 accessDenied for another user\'s', async () => {
    const users = kit.users;
    const me = users[1]?.userPrincipalName ?? '';
    const client = graphClient(sandbox, await kit.userToken(me, ['https://graph.microsoft.com/Files.ReadWrite.All']));
    const drive = (await client.api('/me/drive').get()) as MicrosoftGraph.Drive;
    expect(drive.owner?.user?.id).toBe(users[1]?.id);
    const created = (await client.api('/me/drive/root:/Mine/from me.txt:/content').put(Buffer.from('hi'))) as MicrosoftGraph.DriveItem;
    expect(created.createdBy?.user?.id).toBe(users[1]?.id);
    await expect(client.api(`/users/${upn}/drive/root/children`).get()).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
  });

  it('refuses /me/drive for an app-only token with 400', async () => {
    const client = graphClient(sandbox, await kit.appToken());
    await expect(client.api('/me/drive').get()).rejects.toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });
});
