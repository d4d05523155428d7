import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { simpleParser } from 'mailparser';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { expectShape } from '../../testing/shape';
import { graphFailure, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { graphMailWorkload } from './graph-mail.workload';
import { MESSAGE_SHAPE } from './mail-shapes';
import { mailScenario } from './mail-test.fixture';


type Page = { value: MicrosoftGraph.Message[]; '@odata.nextLink'?: string; '@odata.count'?: number };

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('Graph messages through @microsoft/microsoft-graph-client', () => {
  let kit: GraphKit;
  let upn: string;
  beforeAll(async () => {
    kit = await startGraphKit(mailScenario({ messagesPerUser: 120, attachmentRate: 0.5, attachmentSizes: [2048, 70000] }), [graphMailWorkload]);
    upn = kit.users[1]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('lists a mailbox in pages of 10 by default, newest first, following @odata.nextLink to the end', async () => {
    const client = await kit.app();
    let page = (await client.api(`/users/${upn}/messages`).get()) as Page;
    expect(page.value).toHaveLength(10);
    const seen: MicrosoftGraph.Message[] = [...page.value];
    while (page['@odata.nextLink']) {
      page = (await client.api(page['@odata.nextLink']).get()) as Page;
      seen.push(...page.value);
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen.map((m) => m.id)).size).toBe(120);
    const times = seen.map((m) => Date.parse(m.receivedDateTime ?? ''));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    for (const m of seen.slice(0, 5)) expectShape<MicrosoftGraph.Message>(m, MESSAGE_SHAPE, ['id', 'subject', 'receivedDateTime', 'isRead', 'isDraft', 'parentFolderId', 'internetMessageId', 'body', 'from', 'toRecipients']);
  });

  it('caps $top at 1000, applies $select (keeping id) and $count', async () => {
    const client = await kit.app();
    const page = (await client.api(`/users/${upn}/messages`).top(5000).select('subject,isRead').count(true).get()) as Page;
    expect(page.value).toHaveLength(120);
    expect(page['@odata.count']).toBe(120);
    expect(Object.keys(page.value[0] ?? {}).sort()).toEqual(['@odata.etag', 'id', 'isRead', 'subject']);
  });

  it('filters on receivedDateTime ge/lt and isRead eq, per folder too', async () => {
    const client = await kit.app();
    const all = (await client.api(`/users/${upn}/messages`).top(1000).select('receivedDateTime,isRead,parentFolderId').get()) as Page;
    const times = all.value.map((m) => m.receivedDateTime ?? '').sort();
    const from = times[30] ?? '';
    const to = times[80] ?? '';
    const windowed = (await client.api(`/users/${upn}/messages`).filter(`receivedDateTime ge ${from} and receivedDateTime lt ${to}`).top(1000).get()) as Page;
    expect(windowed.value).toHaveLength(all.value.filter((m) => (m.receivedDateTime ?? '') >= from && (m.receivedDateTime ?? '') < to).length);
    expect(windowed.value.length).toBe(50);
    const unread = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).filter('isRead eq false').top(1000).get()) as Page;
    const inbox = (await client.api(`/users/${upn}/mailFolders/inbox`).get()) as MicrosoftGraph.MailFolder;
    expect(unread.value.length).toBe(inbox.unreadItemCount);
    expect(unread.value.every((m) => m.isRead === false && m.parentFolderId === inbox.id)).toBe(true);
  });

  it('orders by receivedDateTime asc, and refuses $orderby whose property does not lead the $filter (400 InefficientFilter)', async () => {
    const client = await kit.app();
    const asc = (await client.api(`/users/${upn}/messages`).orderby('receivedDateTime asc').filter('receivedDateTime ge 2000-01-01T00:00:00Z and isRead eq true').top(1000).get()) as Page;
    const times = asc.value.map((m) => Date.parse(m.receivedDateTime ?? ''));
    expect(times.length).toBeGreaterThan(10);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(await graphFailure(client.api(`/users/${upn}/messages`).orderby('receivedDateTime desc').filter('isRead eq true').get())).toMatchObject({ statusCode: 400, code: 'InefficientFilter' });
  });

  it('answers an unsupported $filter with 400 ErrorInvalidUrlQueryFilter', async () => {
    const client = await kit.app();
    for (const f of ["subject eq 'x' or isRead eq true", 'receivedDateTime ge yesterday', 'isRead eq maybe', "contains(subject,'x')"]) {
      expect(await graphFailure(client.api(`/users/${upn}/messages`).filter(f).get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidUrlQueryFilter' });
    }
  });

  it('gets one message, and its $value is the RFC 5322 MIME whose SHA-256 the inspection API reports', async () => {
    const client = await kit.app();
    const list = (await client.api(`/users/${upn}/messages`).filter('isRead eq true').top(50).get()) as Page;
    const withAtt = list.value.find((m) => m.hasAttachments) ?? list.value[0];
    const m = (await client.api(`/users/${upn}/messages/${withAtt?.id ?? ''}`).get()) as MicrosoftGraph.Message;
    expectShape<MicrosoftGraph.Message>(m, MESSAGE_SHAPE, ['id', 'subject', 'body', 'changeKey']);
    const stream = (await client.api(`/users/${upn}/messages/${m.id ?? ''}/$value`).getStream()) as Readable;
    const mime = await readAll(stream);
    const parsed = await simpleParser(mime);
    expect(parsed.subject).toBe(m.subject);
    expect(parsed.messageId).toBe(m.internetMessageId);
    expect(parsed.attachments.length > 0).toBe(m.hasAttachments);
    const meta = (await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(m.id ?? '')}`)).body as { sha256: string; size: number };
    expect(meta.sha256).toBe(createHash('sha256').update(mime).digest('hex'));
    expect(meta.size).toBe(mime.length);
    const again = await readAll((await client.api(`/users/${upn}/messages/${m.id ?? ''}/$value`).getStream()) as Readable);
    expect(again.equals(mime)).toBe(true);
  });

  it('PATCHes isRead, flag, categories and importance, and changes the changeKey', async () => {
    const client = await kit.app();
    const [m] = ((await client.api(`/users/${upn}/mailFolders/inbox/messages`).filter('isRead eq false').top(1).get()) as Page).value;
    const updated = (await client.api(`/users/${upn}/messages/${m?.id ?? ''}`).patch({ isRead: true, flag: { flagStatus: 'flagged' }, categories: ['Ferry', 'Été'], importance: 'high' })) as MicrosoftGraph.Message;
    expectShape<MicrosoftGraph.Message>(updated, MESSAGE_SHAPE, ['id']);
    expect(updated).toMatchObject({ id: m?.id, isRead: true, flag: { flagStatus: 'flagged' }, categories: ['Ferry', 'Été'], importance: 'high' });
    expect(updated.changeKey).not.toBe(m?.changeKey);
    const meta = (await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(m?.id ?? '')}`)).body as Record<string, unknown>;
    expect(meta).toMatchObject({ isRead: true, flag: { flagStatus: 'flagged' }, categories: ['Ferry', 'Été'] });
    expect(await graphFailure(client.api(`/users/${upn}/messages/${m?.id ?? ''}`).patch({ importance: 'urgent' }))).toMatchObject({ statusCode: 400 });
    expect(await graphFailure(client.api(`/users/${upn}/messages/${m?.id ?? ''}`).patch({ isRead: 'yes' }))).toMatchObject({ statusCode: 400 });
  });

  it('moves a message (a new id, unless Prefer: IdType="ImmutableId") and deletes one', async () => {
    const client = await kit.app();
    const [a, b] = ((await client.api(`/users/${upn}/mailFolders/inbox/messages`).top(2).get()) as Page).value;
    const archive = (await client.api(`/users/${upn}/mailFolders/archive`).get()) as MicrosoftGraph.MailFolder;
    const moved = (await client.api(`/users/${upn}/messages/${a?.id ?? ''}/move`).post({ destinationId: 'archive' })) as MicrosoftGraph.Message;
    expect(moved.parentFolderId).toBe(archive.id);
    expect(moved.id).not.toBe(a?.id);
    expect(await graphFailure(client.api(`/users/${upn}/messages/${a?.id ?? ''}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    const kept = (await client.api(`/users/${upn}/messages/${b?.id ?? ''}/move`).header('Prefer', 'IdType="ImmutableId"').post({ destinationId: archive.id })) as MicrosoftGraph.Message;
    expect(kept.id).toBe(b?.id);
    const inArchive = (await client.api(`/users/${upn}/mailFolders/archive/messages`).select('id').get()) as Page;
    expect(inArchive.value.map((m) => m.id).sort()).toEqual([moved.id, kept.id].sort());
    await client.api(`/users/${upn}/messages/${kept.id ?? ''}`).delete();
    expect(await graphFailure(client.api(`/users/${upn}/messages/${kept.id ?? ''}`).get())).toMatchObject({ statusCode: 404 });
    expect(await graphFailure(client.api(`/users/${upn}/messages/${moved.id ?? ''}/move`).post({ destinationId: 'nosuch' }))).toMatchObject({ statusCode: 400, code: 'ErrorInvalidIdMalformed' });
  });

  it('answers an unknown message (and its $value) with 404 ErrorItemNotFound and a malformed id with 400', async () => {
    const client = await kit.app();
    expect(await graphFailure(client.api(`/users/${upn}/messages/AAMkAG${'q'.repeat(120)}/$value`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    expect(await graphFailure(client.api(`/users/${upn}/messages/short-id`).get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidIdMalformed' });
  });
});
