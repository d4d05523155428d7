import type { Client } from '@microsoft/microsoft-graph-client';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Sandbox } from '../../sandbox';
import { expectShape } from '../../testing/shape';
import { graphClient, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { call } from '../../testing/test-sandbox';
import { DRIVE_SCENARIO, driveTree, type InspectTree } from './drive-test.fixture';
import { graphDriveWorkload } from './graph-drive.workload';

const PERMISSION = { id: 'string', roles: 'array', shareId: 'string', grantedTo: 'object', grantedToV2: 'object', inheritedFrom: 'object', invitation: 'object', grantedToIdentitiesV2: 'array' } as const;

// The machine is shared with other test runs; seeding a sandbox and moving megabytes can take seconds.
jest.setTimeout(30_000);

describe('Graph OneDrive sharing: permissions and invite', () => {
  let kit: GraphKit;
  let sandbox: Sandbox;
  let client: Client;
  let users: { id: string; userPrincipalName: string }[];
  let tree: InspectTree;
  let base: string;
  beforeAll(async () => {
    kit = await startGraphKit(DRIVE_SCENARIO, [graphDriveWorkload]);
    sandbox = kit.sandbox;
    client = graphClient(sandbox, await kit.appToken());
    users = await kit.tenantUsers(sandbox.endpoints.microsoft.tenantId);
    tree = await driveTree(sandbox, users[0]?.userPrincipalName ?? '');
    base = `/drives/${encodeURIComponent(tree.driveId)}`;
  });
  afterAll(() => sandbox.close());

  it('lists the owner and the seeded grants of a shared item in the Permission schema', async () => {
    const shared = tree.items.find((i) => i.kind === 'file' && i.permissions.length > 0);
    expect(shared).toBeDefined();
    const r = (await client.api(`${base}/items/${shared?.id ?? ''}/permissions`).get()) as { value: MicrosoftGraph.Permission[] };
    for (const p of r.value) expectShape<MicrosoftGraph.Permission>(p, PERMISSION, ['id', 'roles']);
    expect(r.value[0]).toMatchObject({ roles: ['owner'], grantedToV2: { user: { id: users[0]?.id } } });
    const grantee = users.find((u) => u.userPrincipalName === shared?.permissions[0]?.user);
    expect(r.value.some((p) => p.grantedToV2?.user?.id === grantee?.id && p.roles?.[0] === shared?.permissions[0]?.roles[0])).toBe(true);
    const item = (await client.api(`${base}/items/${shared?.id ?? ''}`).get()) as MicrosoftGraph.DriveItem;
    expect(item.shared?.scope).toBe('users');
  });

  it('reports permissions inherited from a shared folder with inheritedFrom', async () => {
    const folder = tree.items.find((i) => i.kind === 'folder' && i.permissions.length > 0);
    const child = tree.items.find((i) => folder && i.path.startsWith(`${folder.path}/`));
    expect(child).toBeDefined();
    const r = (await client.api(`${base}/items/${child?.id ?? ''}/permissions`).get()) as { value: MicrosoftGraph.Permission[] };
    expect(r.value.some((p) => p.inheritedFrom?.id === folder?.id)).toBe(true);
  });

  it('invites a tenant user and an outside address with write, returning Permission objects', async () => {
    const file = tree.items.find((i) => i.kind === 'file' && i.permissions.length === 0 && i.size < 1024 ** 3);
    const invitee = users[2];
    const r = (await client.api(`${base}/items/${file?.id ?? ''}/invite`).post({
      recipients: [{ email: invitee?.userPrincipalName }, { email: 'partner@outside.example' }],
      roles: ['write'],
      requireSignIn: true,
      sendInvitation: false,
      message: 'Migrated from Google Drive',
    })) as { value: MicrosoftGraph.Permission[] };
    expect(r.value).toHaveLength(2);
    for (const p of r.value) expectShape<MicrosoftGraph.Permission>(p, PERMISSION, ['id', 'roles']);
    expect(r.value[0]).toMatchObject({ roles: ['write'], grantedToV2: { user: { id: invitee?.id } } });
    expect(r.value[1]).toMatchObject({ roles: ['write'], invitation: { email: 'partner@outside.example', signInRequired: true } });
    const after = (await call(`${sandbox.endpoints.inspect}/microsoft/drive/${users[0]?.userPrincipalName ?? ''}/item?path=${encodeURIComponent(file?.path ?? '')}`)).body as { permissions: { roles: string[]; user?: string; email?: string }[] };
    expect(after.permissions).toEqual([{ roles: ['write'], user: invitee?.userPrincipalName }, { roles: ['write'], email: 'partner@outside.example' }]);
    const one = (await client.api(`${base}/items/${file?.id ?? ''}/permissions/${r.value[1]?.id ?? ''}`).get()) as MicrosoftGraph.Permission;
    expect(one.id).toBe(r.value[1]?.id);
    await client.api(`${base}/items/${file?.id ?? ''}/permissions/${r.value[1]?.id ?? ''}`).delete();
    const list = (await client.api(`${base}/items/${file?.id ?? ''}/permissions`).get()) as { value: MicrosoftGraph.Permission[] };
    expect(list.value).toHaveLength(2);
  });

  it('refuses an invite without recipients or with an unknown role (400 invalidRequest)', async () => {
    const file = tree.items.find((i) => i.kind === 'file');
    const url = `${base}/items/${file?.id ?? ''}/invite`;
    await expect(client.api(url).post({ recipients: [], roles: ['read'] })).rejects.toMatchObject({ statusCode: 400, code: 'invalidRequest' });
    await expect(client.api(url).post({ recipients: [{ email: users[1]?.userPrincipalName }], roles: ['admin'] })).rejects.toMatchObject({ statusCode: 400, code: 'invalidRequest' });
    await expect(client.api(url).post({ recipients: [{ objectId: '00000000-0000-0000-0000-000000000000' }], roles: ['read'] })).rejects.toMatchObject({ statusCode: 400, code: 'invalidRequest' });
  });
});
