import type { people_v1 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { expectShape, type Shape } from '../../testing/shape';
import { CONTACTS_SCOPE, LIST_SHAPE, PERSON_SHAPE, startPeopleFixture, type PeopleFixture } from './people-contract.fixture';

const GROUP_SHAPE: Shape<people_v1.Schema$ContactGroup> = { resourceName: 'string', etag: 'string', metadata: 'object', groupType: 'string', name: 'string', formattedName: 'string', memberCount: 'number' };

describe('People API contacts through googleapis', () => {
  let f: PeopleFixture;
  let people: people_v1.People;
  let me: string;
  beforeAll(async () => {
    f = await startPeopleFixture(7);
    me = f.users[0] ?? '';
    people = await f.peopleAs(me);
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('lists connections in pages of pageSize with only the requested personFields', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names,emailAddresses', pageSize: 3, ...(pageToken ? { pageToken } : {}) });
      expectShape(data, LIST_SHAPE, ['connections', 'totalItems']);
      expect(data.totalItems).toBe(7);
      for (const p of data.connections ?? []) {
        expectShape(p, PERSON_SHAPE, ['resourceName', 'etag', 'names', 'emailAddresses']);
        expect(p.resourceName).toMatch(/^people\/c\d+$/);
        expect(p.phoneNumbers).toBeUndefined();
        expect(p.names?.[0]).toMatchObject({ metadata: { primary: true, source: { type: 'CONTACT' } } });
        expect(p.names?.[0]?.displayName).toBe(`${p.names?.[0]?.givenName ?? ''} ${p.names?.[0]?.familyName ?? ''}`);
        seen.push(p.resourceName ?? '');
      }
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
  });

  it('answers 400 INVALID_ARGUMENT when personFields is missing or names an unknown path', async () => {
    const missing = await googleFailure(people.people.connections.list({ resourceName: 'people/me' }));
    expect(missing).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
    expect(missing.message).toMatch(/^personFields mask is required/);
    const unknown = await googleFailure(people.people.connections.list({ resourceName: 'people/me', personFields: 'names,shoeSize' }));
    expect(unknown.message).toContain('Invalid personFields mask path: "shoeSize"');
    expect(await googleFailure(people.people.get({ resourceName: 'people/me' }))).toMatchObject({ status: 400 });
  });

  it('creates, gets, updates with an etag and deletes a contact', async () => {
    const created = await people.people.createContact({
      personFields: 'names,emailAddresses,phoneNumbers,memberships,metadata',
      requestBody: { names: [{ givenName: 'Grace', familyName: 'Hopper' }], emailAddresses: [{ value: 'grace@navy.example', type: 'work' }], phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }] },
    });
    expectShape(created.data, PERSON_SHAPE, ['resourceName', 'etag', 'names', 'metadata', 'memberships']);
    expect(created.data.emailAddresses?.[0]).toMatchObject({ value: 'grace@navy.example', formattedType: 'Work' });
    expect(created.data.phoneNumbers?.[0]?.canonicalForm).toBe('+15550100');
    expect(created.data.memberships?.[0]?.contactGroupMembership?.contactGroupResourceName).toBe('contactGroups/myContacts');
    const name = created.data.resourceName ?? '';
    const got = await people.people.get({ resourceName: name, personFields: 'names' });
    expect(got.data.names?.[0]?.displayNameLastFirst).toBe('Hopper, Grace');
    const updated = await people.people.updateContact({
      resourceName: name,
      updatePersonFields: 'emailAddresses,organizations',
      personFields: 'names,emailAddresses,organizations',
      requestBody: { etag: got.data.etag ?? '', emailAddresses: [{ value: 'grace@cobol.example' }], organizations: [{ name: 'US Navy', title: 'Rear Admiral' }], names: [{ givenName: 'Ignored' }] },
    });
    expect(updated.data.emailAddresses?.map((e) => e.value)).toEqual(['grace@cobol.example']);
    expect(updated.data.names?.[0]?.givenName).toBe('Grace');
    expect(updated.data.etag).not.toBe(got.data.etag);
    const stale = await googleFailure(people.people.updateContact({ resourceName: name, updatePersonFields: 'names', requestBody: { etag: got.data.etag ?? '', names: [{ givenName: 'Amazing' }] } }));
    expect(stale).toMatchObject({ status: 400, body: { error: { status: 'FAILED_PRECONDITION' } } });
    expect(stale.message).toContain('person.etag is different');
    expect(await googleFailure(people.people.updateContact({ resourceName: name, requestBody: { etag: updated.data.etag ?? '' } }))).toMatchObject({ status: 400 });
    expect(await googleFailure(people.people.updateContact({ resourceName: name, updatePersonFields: 'names', requestBody: { names: [{ givenName: 'No etag' }] } }))).toMatchObject({ status: 400 });
    const listed = await f.inspect(`${me}/contacts`);
    expect((listed.body as { items: { resourceName: string; emails: string[] }[] }).items.find((i) => i.resourceName === name)?.emails).toEqual(['grace@cobol.example']);
    const deleted = await people.people.deleteContact({ resourceName: name });
    expect(deleted.status).toBe(200);
    expect(await googleFailure(people.people.get({ resourceName: name, personFields: 'names' }))).toMatchObject({ status: 404, body: { error: { status: 'NOT_FOUND' } } });
    expect(await googleFailure(people.people.deleteContact({ resourceName: name }))).toMatchObject({ status: 404 });
  });

  it('returns the caller\'s own profile for people/me', async () => {
    const { data } = await people.people.get({ resourceName: 'people/me', personFields: 'names,emailAddresses' });
    expect(data.emailAddresses?.[0]?.value).toBe(me);
    expect(data.resourceName).toMatch(/^people\/\d+$/);
  });

  it('rejects malformed JSON, unknown fields, bad values and unknown groups', async () => {
    const token = await f.token(me, [CONTACTS_SCOPE]);
    const raw = await fetch(`${f.sandbox.endpoints.googleRoot}v1/people:createContact`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"names": [' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('Invalid JSON payload') as string } });
    const unknown = await googleFailure(people.people.createContact({ requestBody: { shoeSize: [{ value: '42' }] } as people_v1.Schema$Person }));
    expect(unknown).toMatchObject({ status: 400, message: 'Invalid JSON payload received. Unknown name "shoeSize": Cannot find field.' });
    expect(await googleFailure(people.people.createContact({ requestBody: { emailAddresses: [{ type: 'work' }] } }))).toMatchObject({ status: 400 });
    expect(await googleFailure(people.people.createContact({ requestBody: { names: [{ givenName: 'A' }, { givenName: 'B' }] } }))).toMatchObject({ status: 400 });
    expect(await googleFailure(people.people.createContact({ requestBody: { memberships: [{ contactGroupMembership: { contactGroupResourceName: 'contactGroups/nope' } }] } }))).toMatchObject({ status: 400 });
    expect(await googleFailure(people.people.get({ resourceName: 'people/c999', personFields: 'names' }))).toMatchObject({ status: 404 });
  });

  it("keeps another user's and another tenant's contacts out of reach, and enforces scopes", async () => {
    const theirs = await f.inspect(`${f.users[1] ?? ''}/contacts`);
    const foreign = (theirs.body as { items: { resourceName: string }[] }).items[0]?.resourceName ?? '';
    expect(await googleFailure(people.people.get({ resourceName: foreign, personFields: 'names' }))).toMatchObject({ status: 404 });
    const mine = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names', pageSize: 1000 });
    expect(mine.data.connections?.some((c) => c.resourceName === foreign)).toBe(false);
    const noScope = await f.peopleAs(me, ['https://www.googleapis.com/auth/gmail.labels']);
    expect(await googleFailure(noScope.people.connections.list({ resourceName: 'people/me', personFields: 'names' }))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
    const asServiceAccount = await f.peopleAs(undefined);
    expect(await googleFailure(asServiceAccount.people.connections.list({ resourceName: 'people/me', personFields: 'names' }))).toMatchObject({ status: 403 });
  });

  it('lists the system contact groups with live member counts', async () => {
    const { data } = await people.contactGroups.list();
    const myContacts = data.contactGroups?.find((g) => g.resourceName === 'contactGroups/myContacts');
    for (const g of data.contactGroups ?? []) expectShape(g, GROUP_SHAPE, ['resourceName', 'groupType', 'name']);
    expect(myContacts).toMatchObject({ groupType: 'SYSTEM_CONTACT_GROUP', formattedName: 'My Contacts', memberCount: 7 });
    expect(data.totalItems).toBe(8);
  });
});
