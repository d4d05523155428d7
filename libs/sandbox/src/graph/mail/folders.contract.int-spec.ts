import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { expectShape, type Shape } from '../../testing/shape';
import { graphFailure, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { graphMailWorkload } from './graph-mail.workload';
import { mailScenario } from './mail-test.fixture';

const FOLDER_SHAPE: Shape<MicrosoftGraph.MailFolder> = {
  id: 'string',
  displayName: 'string',
  parentFolderId: 'string',
  childFolderCount: 'number',
  unreadItemCount: 'number',
  totalItemCount: 'number',
  isHidden: 'boolean',
};

describe('Graph mailFolders through @microsoft/microsoft-graph-client', () => {
  let kit: GraphKit;
  let upn: string;
  beforeAll(async () => {
    kit = await startGraphKit(mailScenario({ messagesPerUser: 30, extraFolders: 2, folderDepth: 3 }), [graphMailWorkload]);
    upn = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('lists the top-level folders with well-known and tricky user folders, paged by $top', async () => {
    const client = await kit.app();
    const first = (await client.api(`/users/${upn}/mailFolders`).top(5).get()) as { value: MicrosoftGraph.MailFolder[]; '@odata.nextLink'?: string };
    expect(first.value).toHaveLength(5);
    expect(new URL(first['@odata.nextLink'] ?? 'https://x/').searchParams.get('$skiptoken')).toBeTruthy();
    const rest = (await client.api(first['@odata.nextLink'] ?? '').get()) as { value: MicrosoftGraph.MailFolder[] };
    const names = [...first.value, ...rest.value].map((f) => f.displayName);
    expect(names).toEqual(expect.arrayContaining(['Inbox', 'Drafts', 'Sent Items', 'Deleted Items', 'Junk Email', 'Archive', 'Outbox', 'A&B <test>', '日本語', 'Projets/été']));
    for (const f of first.value) expectShape<MicrosoftGraph.MailFolder>(f, FOLDER_SHAPE, ['id', 'displayName', 'parentFolderId', 'totalItemCount']);
  });

  it.each(['inbox', 'drafts', 'sentitems', 'deleteditems', 'junkemail', 'archive', 'outbox', 'msgfolderroot', 'Inbox'])('gets the well-known folder %s by name', async (name) => {
    const client = await kit.app();
    const f = (await client.api(`/users/${upn}/mailFolders/${name}`).get()) as MicrosoftGraph.MailFolder;
    expectShape<MicrosoftGraph.MailFolder>(f, FOLDER_SHAPE, ['id', 'displayName']);
    const byId = (await client.api(`/users/${upn}/mailFolders/${encodeURIComponent(f.id ?? '')}`).get()) as MicrosoftGraph.MailFolder;
    expect(byId.displayName).toBe(f.displayName);
  });

  it('counts items per folder consistently with the messages it lists', async () => {
    const client = await kit.app();
    const inbox = (await client.api(`/users/${upn}/mailFolders/inbox`).get()) as MicrosoftGraph.MailFolder;
    const msgs = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).top(1000).select('id,isRead').get()) as { value: MicrosoftGraph.Message[] };
    expect(msgs.value).toHaveLength(inbox.totalItemCount ?? -1);
    expect(msgs.value.filter((m) => m.isRead === false)).toHaveLength(inbox.unreadItemCount ?? -1);
  });

  it('walks nested child folders (Inbox/Projets/été) and creates nested folders with non-ASCII names', async () => {
    const client = await kit.app();
    const children = (await client.api(`/users/${upn}/mailFolders/inbox/childFolders`).get()) as { value: MicrosoftGraph.MailFolder[] };
    const projets = children.value.find((f) => f.displayName === 'Projets');
    expect(projets?.childFolderCount).toBe(1);
    const deeper = (await client.api(`/users/${upn}/mailFolders/${projets?.id ?? ''}/childFolders`).get()) as { value: MicrosoftGraph.MailFolder[] };
    expect(deeper.value.map((f) => f.displayName)).toEqual(['été']);
    const created = (await client.api(`/users/${upn}/mailFolders/${deeper.value[0]?.id ?? ''}/childFolders`).post({ displayName: 'Réunions & <notes> 日本' })) as MicrosoftGraph.MailFolder;
    expectShape<MicrosoftGraph.MailFolder>(created, FOLDER_SHAPE, ['id', 'displayName', 'parentFolderId']);
    expect(created).toMatchObject({ displayName: 'Réunions & <notes> 日本', parentFolderId: deeper.value[0]?.id, totalItemCount: 0, childFolderCount: 0 });
    const top = (await client.api(`/users/${upn}/mailFolders`).post({ displayName: 'Migrated from Gmail' })) as MicrosoftGraph.MailFolder;
    const root = (await client.api(`/users/${upn}/mailFolders/msgfolderroot`).get()) as MicrosoftGraph.MailFolder;
    expect(top.parentFolderId).toBe(root.id);
    const folders = (await kit.inspect(`/microsoft/mail/${upn}/folders`)).body as { folders: { path: string }[] };
    expect(folders.folders.map((f) => f.path)).toEqual(expect.arrayContaining(['Inbox/Projets/été/Réunions & <notes> 日本', 'Migrated from Gmail', 'Inbox/Folder 1/Level 2/Level 3']));
  });

  it('answers a duplicate name under the same parent with 409 ErrorFolderExists (case-insensitive), but allows it elsewhere', async () => {
    const client = await kit.app();
    const e = await graphFailure(client.api(`/users/${upn}/mailFolders`).post({ displayName: 'inbox' }));
    expect(e).toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
    const again = (await client.api(`/users/${upn}/mailFolders/inbox/childFolders`).post({ displayName: 'Inbox' })) as MicrosoftGraph.MailFolder;
    expect(again.displayName).toBe('Inbox');
  });

  it('rejects bad input: empty name 400, malformed JSON 400, unknown folder 404, malformed id 400', async () => {
    const client = await kit.app();
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders`).post({ displayName: '' }))).toMatchObject({ statusCode: 400, code: 'ErrorInvalidParameter' });
    const token = await kit.appToken();
    const raw = await fetch(`${kit.sandbox.endpoints.graph}/users/${upn}/mailFolders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"displayName":' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe('RequestBodyRead');
    const unknown = `AAMkAG${'x'.repeat(120)}`;
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders/${unknown}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders/nosuchfolder`).get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidIdMalformed' });
  });

  it('finds a folder by $filter=displayName eq (case-insensitive), renames it (PATCH) and deletes it with its messages', async () => {
    const client = await kit.app();
    // The client puts $filter into the URL as given: a literal '&' must be percent-encoded by the caller.
    const found = (await client.api(`/users/${upn}/mailFolders`).filter(`displayName eq '${encodeURIComponent('a&b <TEST>')}'`).get()) as { value: MicrosoftGraph.MailFolder[] };
    expect(found.value.map((f) => f.displayName)).toEqual(['A&B <test>']);
    const quoted = (await client.api(`/users/${upn}/mailFolders`).post({ displayName: "l'été" })) as MicrosoftGraph.MailFolder;
    const byQuote = (await client.api(`/users/${upn}/mailFolders`).filter("displayName eq 'l''été'").get()) as { value: MicrosoftGraph.MailFolder[] };
    expect(byQuote.value.map((f) => f.id)).toEqual([quoted.id]);
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders`).filter("startswith(displayName,'A')").get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidUrlQueryFilter' });
    const renamed = (await client.api(`/users/${upn}/mailFolders/${quoted.id ?? ''}`).patch({ displayName: 'Sommer' })) as MicrosoftGraph.MailFolder;
    expect(renamed).toMatchObject({ id: quoted.id, displayName: 'Sommer' });
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders/${quoted.id ?? ''}`).patch({ displayName: 'Archive' }))).toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
    await client.api(`/users/${upn}/mailFolders/${quoted.id ?? ''}/messages`).post({ subject: 'in a doomed folder' });
    await client.api(`/users/${upn}/mailFolders/${quoted.id ?? ''}`).delete();
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders/${quoted.id ?? ''}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    expect(await graphFailure(client.api(`/users/${upn}/mailFolders/inbox`).delete())).toMatchObject({ statusCode: 400, code: 'ErrorDeleteDistinguishedFolder' });
    const inspected = (await kit.inspect(`/microsoft/mail/${upn}/messages`)).body as { value: { subject: string }[] };
    expect(inspected.value.map((m) => m.subject)).not.toContain('in a doomed folder');
  });
});
