import { OAuth2Client } from 'google-auth-library';
import { google, type admin_directory_v1 } from 'googleapis';
import type { Sandbox } from '../../sandbox';
import { googleFailure } from '../../testing/google-api-failure';
import { googleAccessToken } from '../../testing/google-token';
import { expectShape, type Shape } from '../../testing/shape';
import { startTestSandbox } from '../../testing/test-sandbox';
import { googleDirectoryWorkload } from './google-directory.workload';

const SCOPE = 'https://www.googleapis.com/auth/';
const READ_SCOPES = [`${SCOPE}admin.directory.user.readonly`, `${SCOPE}admin.directory.group.readonly`];

const USER_SHAPE: Shape<admin_directory_v1.Schema$User> = {
  kind: 'string', id: 'string', etag: 'string', primaryEmail: 'string', name: 'object', isAdmin: 'boolean', isDelegatedAdmin: 'boolean',
  lastLoginTime: 'string', creationTime: 'string', agreedToTerms: 'boolean', suspended: 'boolean', archived: 'boolean',
  changePasswordAtNextLogin: 'boolean', ipWhitelisted: 'boolean', emails: 'array', languages: 'array', customerId: 'string', orgUnitPath: 'string',
  isMailboxSetup: 'boolean', isEnrolledIn2Sv: 'boolean', isEnforcedIn2Sv: 'boolean', includeInGlobalAddressList: 'boolean',
};
const USERS_SHAPE: Shape<admin_directory_v1.Schema$Users> = { kind: 'string', etag: 'string', users: 'array', nextPageToken: 'string' };
const GROUP_SHAPE: Shape<admin_directory_v1.Schema$Group> = { kind: 'string', id: 'string', etag: 'string', email: 'string', name: 'string', directMembersCount: 'string', description: 'string', adminCreated: 'boolean' };
const MEMBER_SHAPE: Shape<admin_directory_v1.Schema$Member> = { kind: 'string', id: 'string', etag: 'string', email: 'string', role: 'string', type: 'string', status: 'string', delivery_settings: 'string' };

describe('Admin SDK Directory API through googleapis', () => {
  let sandbox: Sandbox;
  let admin: admin_directory_v1.Admin;
  const directoryAs = async (subject: string | undefined, scopes: readonly string[] = READ_SCOPES): Promise<admin_directory_v1.Admin> => {
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: await googleAccessToken(sandbox.endpoints, subject, scopes) });
    return google.admin({ version: 'directory_v1', auth, rootUrl: sandbox.endpoints.googleRoot });
  };
  const tenant = () => {
    const t = sandbox.context.directory.google.get(sandbox.endpoints.google.customerId);
    if (!t) throw new Error('no seeded tenant');
    return t;
  };
  const plainUser = () => {
    const u = [...tenant().users.values()].find((x) => !x.isAdmin);
    if (!u) throw new Error('no plain user');
    return u;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      scenario: { name: 'directory', microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }] }, google: { tenants: [{ domain: 'fabrikam.example', users: 5, groups: 2 }, { domain: 'other.example', users: 2, groups: 1 }] } },
      workloads: [googleDirectoryWorkload],
    });
    admin = await directoryAs(sandbox.endpoints.google.adminUser);
  }, 60_000);
  afterAll(() => sandbox.close());

  it('lists every user of my_customer in pages of maxResults, in the official shapes', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await admin.users.list({ customer: 'my_customer', maxResults: 2, ...(pageToken ? { pageToken } : {}) });
      expectShape(data, USERS_SHAPE, ['kind', 'etag', 'users']);
      for (const u of data.users ?? []) {
        expectShape(u, USER_SHAPE, ['kind', 'id', 'primaryEmail', 'name', 'isAdmin', 'customerId', 'orgUnitPath']);
        seen.push(u.primaryEmail ?? '');
      }
      expect((data.users ?? []).length).toBeLessThanOrEqual(2);
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual([...tenant().users.keys()].sort());
    expect(seen.some((e) => e.endsWith('@other.example'))).toBe(false);
  });

  it('filters by email and givenName queries, and orders by familyName descending', async () => {
    const target = plainUser();
    const byEmail = await admin.users.list({ customer: tenant().customerId, query: `email:${target.primaryEmail}` });
    expect(byEmail.data.users?.map((u) => u.id)).toEqual([target.id]);
    const byPrefix = await admin.users.list({ domain: 'fabrikam.example', query: `givenName:${target.givenName.slice(0, 2)}*` });
    expect(byPrefix.data.users?.map((u) => u.primaryEmail)).toContain(target.primaryEmail);
    expect(byPrefix.data.users?.every((u) => u.name?.givenName?.toLowerCase().startsWith(target.givenName.slice(0, 2).toLowerCase()))).toBe(true);
    const none = await admin.users.list({ customer: 'my_customer', query: 'email:nobody@fabrikam.example' });
    expect(none.data.users).toBeUndefined();
    const ordered = await admin.users.list({ customer: 'my_customer', orderBy: 'familyName', sortOrder: 'DESCENDING' });
    const families = (ordered.data.users ?? []).map((u) => u.name?.familyName ?? '');
    expect(families).toEqual([...families].sort((a, b) => b.localeCompare(a)));
  });

  it('gets a user by email and by id, and answers 404 for an unknown one', async () => {
    const target = plainUser();
    const byEmail = await admin.users.get({ userKey: target.primaryEmail.toUpperCase() });
    expectShape(byEmail.data, USER_SHAPE, ['id', 'primaryEmail']);
    expect(byEmail.data.name).toMatchObject({ givenName: target.givenName, familyName: target.familyName });
    const byId = await admin.users.get({ userKey: target.id });
    expect(byId.data.primaryEmail).toBe(target.primaryEmail);
    expect(await googleFailure(admin.users.get({ userKey: 'ghost@fabrikam.example' }))).toMatchObject({ status: 404, reason: 'notFound', message: 'Resource Not Found: userKey' });
  });

  it('lists groups by customer and by member, gets one, and lists members filtered by role', async () => {
    const { data } = await admin.groups.list({ customer: 'my_customer' });
    expect(data.kind).toBe('admin#directory#groups');
    expect(data.groups).toHaveLength(2);
    for (const g of data.groups ?? []) expectShape(g, GROUP_SHAPE, ['id', 'email', 'name', 'directMembersCount']);
    const group = [...tenant().groups.values()].find((g) => g.members.size > 1);
    if (!group) throw new Error('seed has no group with members');
    const [memberEmail] = [...group.members.keys()];
    const forUser = await admin.groups.list({ userKey: memberEmail ?? '' });
    expect(forUser.data.groups?.map((g) => g.email)).toContain(group.email);
    const got = await admin.groups.get({ groupKey: group.id });
    expect(got.data).toMatchObject({ email: group.email, directMembersCount: String(group.members.size) });
    const members = await admin.members.list({ groupKey: group.email });
    expect(members.data.members).toHaveLength(group.members.size);
    for (const m of members.data.members ?? []) expectShape(m, MEMBER_SHAPE, ['id', 'email', 'role', 'type']);
    const owners = await admin.members.list({ groupKey: group.email, roles: 'OWNER' });
    expect(owners.data.members?.map((m) => m.role)).toEqual(['OWNER']);
    expect(await googleFailure(admin.members.list({ groupKey: group.email, roles: 'BOSS' }))).toMatchObject({ status: 400, reason: 'invalid' });
    expect(await googleFailure(admin.groups.get({ groupKey: 'nope@fabrikam.example' }))).toMatchObject({ status: 404, reason: 'notFound', message: 'Resource Not Found: groupKey' });
  });

  it('refuses a caller who does not impersonate an admin with 403 Not Authorized', async () => {
    const asUser = await directoryAs(plainUser().primaryEmail);
    expect(await googleFailure(asUser.users.list({ customer: 'my_customer' }))).toMatchObject({ status: 403, reason: 'forbidden', message: 'Not Authorized to access this resource/api' });
    const asServiceAccount = await directoryAs(undefined);
    expect(await googleFailure(asServiceAccount.groups.list({ customer: 'my_customer' }))).toMatchObject({ status: 403, reason: 'forbidden' });
  });

  it("keeps another customer's users, ids and domain out of reach", async () => {
    const other = [...sandbox.context.directory.google.values()].find((t) => t.domain === 'other.example');
    const stranger = other ? [...other.users.values()].find((u) => !u.isAdmin) : undefined;
    if (!other || !stranger) throw new Error('no second tenant');
    expect(await googleFailure(admin.users.list({ customer: other.customerId }))).toMatchObject({ status: 403 });
    expect(await googleFailure(admin.users.list({ domain: 'other.example' }))).toMatchObject({ status: 403 });
    expect(await googleFailure(admin.users.get({ userKey: stranger.primaryEmail }))).toMatchObject({ status: 403 });
    expect(await googleFailure(admin.users.get({ userKey: stranger.id }))).toMatchObject({ status: 404 });
  });

  it('rejects bad input: no customer or domain, an unknown orderBy, a bad query, a foreign page token', async () => {
    expect(await googleFailure(admin.users.list({}))).toMatchObject({ status: 400, reason: 'badRequest' });
    expect(await googleFailure(admin.users.list({ customer: 'my_customer', orderBy: 'shoeSize' }))).toMatchObject({ status: 400, reason: 'invalid' });
    expect(await googleFailure(admin.users.list({ customer: 'my_customer', query: 'shoeSize:42' }))).toMatchObject({ status: 400, reason: 'invalid' });
    const first = await admin.users.list({ customer: 'my_customer', maxResults: 1 });
    expect(await googleFailure(admin.users.list({ customer: 'my_customer', maxResults: 1, query: 'isAdmin=false', pageToken: first.data.nextPageToken ?? '' }))).toMatchObject({ status: 400 });
  });

  it('answers 403 insufficientPermissions to a token without a directory scope', async () => {
    const noScope = await directoryAs(sandbox.endpoints.google.adminUser, [`${SCOPE}gmail.labels`]);
    expect(await googleFailure(noScope.users.list({ customer: 'my_customer' }))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
    const userOnly = await directoryAs(sandbox.endpoints.google.adminUser, [`${SCOPE}admin.directory.user.readonly`]);
    expect(await googleFailure(userOnly.groups.list({ customer: 'my_customer' }))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
  });

  it('applies the fields parameter as partial response', async () => {
    const { data } = await admin.users.list({ customer: 'my_customer', fields: 'users(primaryEmail),nextPageToken' });
    expect(Object.keys(data)).toEqual(['users']);
    expect(Object.keys(data.users?.[0] ?? {})).toEqual(['primaryEmail']);
  });
});
