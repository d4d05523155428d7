import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { expectShape, type Shape } from '../../testing/shape';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { graphDirectoryWorkload } from './graph-directory.workload';

const USER: Shape<MicrosoftGraph.User> = {
  id: 'string',
  businessPhones: 'array',
  displayName: 'string',
  givenName: 'string',
  jobTitle: ['string', 'null'],
  mail: 'string',
  mobilePhone: ['string', 'null'],
  officeLocation: ['string', 'null'],
  preferredLanguage: ['string', 'null'],
  surname: 'string',
  userPrincipalName: 'string',
  accountEnabled: 'boolean',
  mailNickname: 'string',
  proxyAddresses: 'array',
  userType: 'string',
  otherMails: 'array',
};
const GROUP: Shape<MicrosoftGraph.Group> = {
  id: 'string',
  displayName: 'string',
  description: ['string', 'null'],
  mail: 'string',
  mailEnabled: 'boolean',
  mailNickname: 'string',
  securityEnabled: 'boolean',
  groupTypes: 'array',
  visibility: 'string',
  proxyAddresses: 'array',
};

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-directory: users, /me and groups through the official client', () => {
  let kit: GraphKit;
  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({}, 7, 2), [graphDirectoryWorkload]);
  });
  afterAll(() => kit.close());

  it('lists users in Graph shape with the default property set, paging by @odata.nextLink', async () => {
    const client = await kit.app();
    const first = (await client.api('/users').top(3).get()) as PageCollection;
    expect(first.value).toHaveLength(3);
    for (const u of first.value)
      expectShape<MicrosoftGraph.User>(u, USER, [
        'id',
        'displayName',
        'userPrincipalName',
        'mail',
        'businessPhones',
      ]);
    expect(first.value[0]).not.toHaveProperty('accountEnabled');
    expect(first['@odata.nextLink']).toMatch(/(\$|%24)skiptoken=/);
    const seen: string[] = [];
    await new PageIterator(client, first, (u: MicrosoftGraph.User) => {
      seen.push(u.id ?? '');
      return true;
    }).iterate();
    expect(new Set(seen).size).toBe(7);
    expect(seen.sort()).toEqual(kit.users.map((u) => u.id).sort());
  });

  it('honours $select, including non-default properties, and rejects an unknown one', async () => {
    const client = await kit.app();
    const page = (await client.api('/users').select(['displayName', 'accountEnabled']).get()) as {
      value: Record<string, unknown>[];
    };
    expect(Object.keys(page.value[0] ?? {}).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
    expect(await graphFailure(client.api('/users').select('shoeSize').get())).toMatchObject({
      statusCode: 400,
      code: 'Request_BadRequest',
    });
  });

  it('filters on userPrincipalName/mail with eq, startswith and in, and refuses unsupported filters', async () => {
    const client = await kit.app();
    const [alice, bob] = kit.users;
    const eq = (await client
      .api('/users')
      .filter(`userPrincipalName eq '${alice?.userPrincipalName ?? ''}'`)
      .get()) as { value: MicrosoftGraph.User[] };
    expect(eq.value.map((u) => u.id)).toEqual([alice?.id]);
    const mail = (await client
      .api('/users')
      .filter(`mail eq '${(bob?.userPrincipalName ?? '').toUpperCase()}'`)
      .get()) as { value: MicrosoftGraph.User[] };
    expect(mail.value.map((u) => u.id)).toEqual([bob?.id]);
    const prefix = (alice?.userPrincipalName ?? '').slice(0, 3);
    const starts = (await client.api('/users').filter(`startswith(userPrincipalName,'${prefix}')`).get()) as {
      value: MicrosoftGraph.User[];
    };
    expect(starts.value.length).toBeGreaterThanOrEqual(1);
    expect(starts.value.every((u) => (u.userPrincipalName ?? '').startsWith(prefix))).toBe(true);
    const both = (await client
      .api('/users')
      .filter(`mail in ('${alice?.userPrincipalName ?? ''}','${bob?.userPrincipalName ?? ''}')`)
      .get()) as { value: MicrosoftGraph.User[] };
    expect(both.value).toHaveLength(2);
    expect(await graphFailure(client.api('/users').filter("shoeSize eq '9'").get())).toMatchObject({
      statusCode: 400,
      code: 'Request_UnsupportedQuery',
    });
    expect(
      await graphFailure(client.api('/users').filter("userPrincipalName eq 'unterminated").get()),
    ).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(await graphFailure(client.api('/users').filter("endswith(mail,'.example')").get())).toMatchObject({
      statusCode: 400,
      code: 'Request_UnsupportedQuery',
    });
  });

  it('counts with $count=true only under ConsistencyLevel: eventual, which also enables endswith', async () => {
    const client = await kit.app();
    expect(await graphFailure(client.api('/users').query({ $count: 'true' }).get())).toMatchObject({
      statusCode: 400,
      code: 'Request_BadRequest',
    });
    const counted = (await client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .query({ $count: 'true' })
      .top(2)
      .get()) as { value: unknown[]; '@odata.count': number };
    expect(counted['@odata.count']).toBe(7);
    expect(counted.value).toHaveLength(2);
    const ends = (await client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .query({ $count: 'true' })
      .filter("endswith(mail,'@contoso.example')")
      .get()) as { '@odata.count': number };
    expect(ends['@odata.count']).toBe(7);
    const n: unknown = await client.api('/users/$count').header('ConsistencyLevel', 'eventual').get();
    expect(String(n)).toBe('7');
  });

  it('gets a user by id and by UPN; an unknown or other-tenant user is 404 Request_ResourceNotFound', async () => {
    const client = await kit.app();
    const alice = kit.users[0];
    const byId = (await client.api(`/users/${alice?.id ?? ''}`).get()) as MicrosoftGraph.User;
    expectShape<MicrosoftGraph.User>(byId, USER, ['id', 'userPrincipalName']);
    const byUpn = (await client.api(`/users/${alice?.userPrincipalName ?? ''}`).get()) as MicrosoftGraph.User;
    expect(byUpn.id).toBe(alice?.id);
    const missing = await graphFailure(client.api('/users/00000000-0000-0000-0000-000000000000').get());
    expect(missing).toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
      message:
        "Resource '00000000-0000-0000-0000-000000000000' does not exist or one of its queried reference-property objects are not present.",
    });
    const foreign = kit.otherUsers[0];
    expect(await graphFailure(client.api(`/users/${foreign?.id ?? ''}`).get())).toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
    });
    expect(await graphFailure(client.api(`/users/${foreign?.userPrincipalName ?? ''}`).get())).toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
    });
  });

  it('serves /me to a delegated token, refuses it for app-only tokens, and keeps User.Read to its own profile', async () => {
    const alice = kit.users[0];
    const bob = kit.users[1];
    const delegated = await kit.delegated(alice?.userPrincipalName ?? '', [
      'https://graph.microsoft.com/User.Read',
    ]);
    const me = (await delegated.api('/me').get()) as MicrosoftGraph.User;
    expect(me.id).toBe(alice?.id);
    expect(await graphFailure(delegated.api(`/users/${bob?.id ?? ''}`).get())).toMatchObject({
      statusCode: 403,
      code: 'Authorization_RequestDenied',
    });
    expect(await graphFailure(delegated.api('/users').get())).toMatchObject({ statusCode: 403 });
    const app = await kit.app();
    expect(await graphFailure(app.api('/me').get())).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: '/me request is only valid with delegated authentication flow.',
    });
  });

  it('lists groups, gets one, and pages its members as directory objects', async () => {
    const client = await kit.app();
    const groups = (await client.api('/groups').get()) as { value: MicrosoftGraph.Group[] };
    expect(groups.value).toHaveLength(2);
    for (const g of groups.value) expectShape<MicrosoftGraph.Group>(g, GROUP, ['id', 'displayName', 'mail']);
    const group = groups.value[0];
    const one = (await client.api(`/groups/${group?.id ?? ''}`).get()) as MicrosoftGraph.Group;
    expect(one.displayName).toBe(group?.displayName);
    const tenant = kit.sandbox.context.directory.microsoft.get(kit.tenantId);
    const expected = [...(tenant?.groups.get(group?.id ?? '')?.members ?? [])].sort();
    const members = (await client.api(`/groups/${group?.id ?? ''}/members`).get()) as {
      value: (MicrosoftGraph.User & { '@odata.type': string })[];
    };
    expect(members.value.map((m) => m.id).sort()).toEqual(expected);
    expect(members.value.every((m) => m['@odata.type'] === '#microsoft.graph.user')).toBe(true);
    expect(
      await graphFailure(client.api('/groups/11111111-1111-1111-1111-111111111111/members').get()),
    ).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });

  it('refuses users without User.Read.All and groups without Group.Read.All (403)', async () => {
    await kit.setAppPermissions(['Group.Read.All']);
    try {
      const client = await kit.app();
      expect(await graphFailure(client.api('/users').get())).toMatchObject({
        statusCode: 403,
        code: 'Authorization_RequestDenied',
      });
      await kit.setAppPermissions(['User.Read.All']);
      const other = await kit.app();
      expect(await graphFailure(other.api('/groups').get())).toMatchObject({
        statusCode: 403,
        code: 'Authorization_RequestDenied',
      });
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Group.Read.All']);
    }
  });
});
