import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { expectShape, type Shape } from '../../testing/shape';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { graphContactsWorkload } from './graph-contacts.workload';

const CONTACT: Shape<MicrosoftGraph.Contact> = {
  id: 'string',
  createdDateTime: 'string',
  lastModifiedDateTime: 'string',
  changeKey: 'string',
  categories: 'array',
  parentFolderId: 'string',
  birthday: ['string', 'null'],
  fileAs: 'string',
  displayName: 'string',
  givenName: ['string', 'null'],
  initials: ['string', 'null'],
  middleName: ['string', 'null'],
  nickName: ['string', 'null'],
  surname: ['string', 'null'],
  title: ['string', 'null'],
  yomiGivenName: ['string', 'null'],
  yomiSurname: ['string', 'null'],
  yomiCompanyName: ['string', 'null'],
  generation: ['string', 'null'],
  imAddresses: 'array',
  jobTitle: ['string', 'null'],
  companyName: ['string', 'null'],
  department: ['string', 'null'],
  officeLocation: ['string', 'null'],
  profession: ['string', 'null'],
  businessHomePage: ['string', 'null'],
  assistantName: ['string', 'null'],
  manager: ['string', 'null'],
  homePhones: 'array',
  mobilePhone: ['string', 'null'],
  businessPhones: 'array',
  spouseName: ['string', 'null'],
  personalNotes: 'string',
  children: 'array',
  emailAddresses: 'array',
  homeAddress: 'object',
  businessAddress: 'object',
  otherAddress: 'object',
};
const FOLDER: Shape<MicrosoftGraph.ContactFolder> = {
  id: 'string',
  displayName: 'string',
  parentFolderId: 'string',
};

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-contacts: contacts and contact folders through the official client', () => {
  let kit: GraphKit;
  let alice: string;
  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ contacts: { contactsPerUser: 15 } }), [graphContactsWorkload]);
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('lists the default folder (12 of 15 seeded) in Graph shape, 10 per page, and the Suppliers subfolder', async () => {
    const client = await kit.app();
    const first = (await client.api(`/users/${alice}/contacts`).get()) as PageCollection;
    expect(first.value).toHaveLength(10);
    const all: MicrosoftGraph.Contact[] = [];
    await new PageIterator(client, first, (c: MicrosoftGraph.Contact) => {
      all.push(c);
      return true;
    }).iterate();
    expect(all).toHaveLength(12);
    for (const c of all)
      expectShape<MicrosoftGraph.Contact>(c, CONTACT, [
        'id',
        'displayName',
        'emailAddresses',
        'parentFolderId',
        'changeKey',
      ]);
    expect(all[0]?.emailAddresses?.[0]?.address).toMatch(/@/);
    const folders = (await client.api(`/users/${alice}/contactFolders`).get()) as {
      value: MicrosoftGraph.ContactFolder[];
    };
    expect(folders.value.map((f) => f.displayName)).toEqual(['Suppliers']);
    expectShape<MicrosoftGraph.ContactFolder>(folders.value[0], FOLDER, [
      'id',
      'displayName',
      'parentFolderId',
    ]);
    expect(folders.value[0]?.parentFolderId).toBe(all[0]?.parentFolderId);
    const suppliers = (await client
      .api(`/users/${alice}/contactFolders/${folders.value[0]?.id ?? ''}/contacts`)
      .get()) as { value: MicrosoftGraph.Contact[] };
    expect(suppliers.value).toHaveLength(3);
    const counts = (await kit.inspect(`/microsoft/contacts/${alice}`)).body;
    expect(counts).toMatchObject({ contacts: 15, byFolder: { Contacts: 12, Suppliers: 3 } });
  });

  it('creates, reads, updates and deletes a contact; inspection sees each change', async () => {
    const client = await kit.app();
    const created = (await client.api(`/users/${alice}/contacts`).post({
      givenName: 'Zoë',
      surname: 'Ångström',
      emailAddresses: [{ address: 'zoe@partner.example', name: 'Zoë Ångström' }],
      businessPhones: ['+46 8 123 456'],
      homeAddress: {
        street: 'Storgatan 1',
        city: 'Uppsala',
        countryOrRegion: 'Sweden',
        postalCode: '753 10',
      },
      birthday: '1990-04-12T00:00:00Z',
    })) as MicrosoftGraph.Contact;
    expectShape<MicrosoftGraph.Contact>(created, CONTACT, ['id', 'displayName']);
    expect(created).toMatchObject({
      displayName: 'Zoë Ångström',
      birthday: '1990-04-12T00:00:00Z',
      homeAddress: { city: 'Uppsala' },
    });
    const got = (await client
      .api(`/users/${alice}/contacts/${created.id ?? ''}`)
      .select(['displayName', 'emailAddresses'])
      .get()) as Record<string, unknown>;
    expect(
      Object.keys(got)
        .filter((k) => !k.startsWith('@odata'))
        .sort(),
    ).toEqual(['displayName', 'emailAddresses', 'id']);
    const before = (await kit.inspect(`/microsoft/contacts/${alice}/contacts/${created.id ?? ''}`)).body as {
      propertiesSha256: string;
    };
    const patched = (await client
      .api(`/users/${alice}/contacts/${created.id ?? ''}`)
      .patch({ jobTitle: 'CTO', displayName: 'Zoë Å.' })) as MicrosoftGraph.Contact;
    expect(patched).toMatchObject({ jobTitle: 'CTO', displayName: 'Zoë Å.', givenName: 'Zoë' });
    expect(patched.changeKey).not.toBe(created.changeKey);
    const after = (await kit.inspect(`/microsoft/contacts/${alice}/contacts/${created.id ?? ''}`)).body as {
      propertiesSha256: string;
      displayName: string;
    };
    expect(after.propertiesSha256).not.toBe(before.propertiesSha256);
    expect(after.displayName).toBe('Zoë Å.');
    await client.api(`/users/${alice}/contacts/${created.id ?? ''}`).delete();
    expect(
      await graphFailure(client.api(`/users/${alice}/contacts/${created.id ?? ''}`).get()),
    ).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    const log = (await kit.inspect(`/microsoft/contacts/${alice}/mutations`)).body as {
      value: { op: string; id: string }[];
    };
    expect(log.value.filter((m) => m.id === created.id).map((m) => m.op)).toEqual([
      'create',
      'update',
      'delete',
    ]);
  });

  it('creates a folder and a contact inside it; a duplicate folder name is 409', async () => {
    const client = await kit.app();
    const folder = (await client
      .api(`/users/${alice}/contactFolders`)
      .post({ displayName: 'Family' })) as MicrosoftGraph.ContactFolder;
    expect(folder.displayName).toBe('Family');
    expect(
      await graphFailure(client.api(`/users/${alice}/contactFolders`).post({ displayName: 'family' })),
    ).toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
    const c = (await client
      .api(`/users/${alice}/contactFolders/${folder.id ?? ''}/contacts`)
      .post({ givenName: 'Mum' })) as MicrosoftGraph.Contact;
    expect(c.parentFolderId).toBe(folder.id);
    expect(await graphFailure(client.api(`/users/${alice}/contacts/${c.id ?? ''}`).get())).toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
    const inFolder = (await client
      .api(`/users/${alice}/contactFolders/${folder.id ?? ''}/contacts/${c.id ?? ''}`)
      .get()) as MicrosoftGraph.Contact;
    expect(inFolder.displayName).toBe('Mum');
  });

  it('rejects bad input: malformed JSON, unknown or mistyped properties, invalid birthday, malformed and unknown ids', async () => {
    const client = await kit.app();
    const url = `/users/${alice}/contacts`;
    expect(await graphFailure(client.api(url).post('{"givenName": '))).toMatchObject({
      statusCode: 400,
      code: 'UnableToDeserializePostBody',
    });
    expect(await graphFailure(client.api(url).post({ givenName: 'X', shoeSize: 44 }))).toMatchObject({
      statusCode: 400,
      code: 'RequestBodyRead',
    });
    expect(await graphFailure(client.api(url).post({ givenName: 42 }))).toMatchObject({
      statusCode: 400,
      code: 'RequestBodyRead',
    });
    expect(
      await graphFailure(client.api(url).post({ givenName: 'X', homeAddress: { planet: 'Mars' } })),
    ).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
    expect(await graphFailure(client.api(url).post({ givenName: 'X', birthday: 'someday' }))).toMatchObject({
      statusCode: 400,
      code: 'UnableToDeserializePostBody',
    });
    expect(await graphFailure(client.api(`${url}/garbage`).get())).toMatchObject({
      statusCode: 400,
      code: 'ErrorInvalidIdMalformed',
    });
    expect(await graphFailure(client.api(`${url}/AAMkAGnothere`).patch({ givenName: 'Y' }))).toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
    expect(
      await graphFailure(client.api(`/users/${alice}/contactFolders/AAMkAGnothere/contacts`).get()),
    ).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  it('isolates tenants and mailboxes, and enforces Contacts permissions', async () => {
    const client = await kit.app();
    expect(
      await graphFailure(client.api(`/users/${kit.otherUsers[0]?.userPrincipalName ?? ''}/contacts`).get()),
    ).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });
    const bobContact = (
      (await client
        .api(`/users/${kit.users[1]?.userPrincipalName ?? ''}/contacts`)
        .top(1)
        .get()) as { value: MicrosoftGraph.Contact[] }
    ).value[0];
    expect(
      await graphFailure(client.api(`/users/${alice}/contacts/${bobContact?.id ?? ''}`).get()),
    ).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    const delegated = await kit.delegated(alice, ['https://graph.microsoft.com/Contacts.ReadWrite']);
    expect(((await delegated.api('/me/contacts').top(1).get()) as { value: unknown[] }).value).toHaveLength(
      1,
    );
    expect(
      await graphFailure(delegated.api(`/users/${kit.users[1]?.userPrincipalName ?? ''}/contacts`).get()),
    ).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    await kit.setAppPermissions(['Contacts.Read']);
    try {
      const reader = await kit.app();
      expect(
        ((await reader.api(`/users/${alice}/contacts`).top(1).get()) as { value: unknown[] }).value,
      ).toHaveLength(1);
      expect(
        await graphFailure(reader.api(`/users/${alice}/contacts`).post({ givenName: 'N' })),
      ).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
      await kit.setAppPermissions(['User.Read.All']);
      const none = await kit.app();
      expect(await graphFailure(none.api(`/users/${alice}/contacts`).get())).toMatchObject({
        statusCode: 403,
        code: 'ErrorAccessDenied',
      });
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Contacts.ReadWrite']);
    }
  });

  it('changes contacts between passes through the inspection API', async () => {
    const added = await kit.inspect(`/microsoft/contacts/${alice}/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ givenName: 'Injected', emailAddresses: [{ address: 'inj@x.example' }] }),
    });
    expect(added.status).toBe(201);
    const id = (added.body as { id: string }).id;
    const client = await kit.app();
    expect(
      ((await client.api(`/users/${alice}/contacts/${id}`).get()) as MicrosoftGraph.Contact).displayName,
    ).toBe('Injected');
    expect(
      (
        await kit.inspect(`/microsoft/contacts/${alice}/contacts/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ surname: 'Later' }),
        })
      ).status,
    ).toBe(200);
    expect(
      ((await client.api(`/users/${alice}/contacts/${id}`).get()) as MicrosoftGraph.Contact).displayName,
    ).toBe('Injected Later');
    expect(
      (
        await kit.inspect(`/microsoft/contacts/${alice}/contacts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ bogus: 1 }),
        })
      ).status,
    ).toBe(400);
    expect(
      (await kit.inspect(`/microsoft/contacts/${alice}/contacts/${id}`, { method: 'DELETE' })).status,
    ).toBe(200);
    expect(await graphFailure(client.api(`/users/${alice}/contacts/${id}`).get())).toMatchObject({
      statusCode: 404,
    });
  });
});
