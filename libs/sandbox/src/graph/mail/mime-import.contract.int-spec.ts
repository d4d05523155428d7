import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { expectShape } from '../../testing/shape';
import { graphFailure, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { graphMailWorkload } from './graph-mail.workload';
import { mailScenario } from './mail-test.fixture';
import { MESSAGE_SHAPE } from './mail-shapes';

const SOURCE_ID = 'String {00020329-0000-0000-c000-000000000046} Name FerrySourceId';

const mime = (subject: string, extra = '') =>
  Buffer.from(
    [
      'From: "Zoë Müller" <zoe@fabrikam.example>',
      'To: Ada <ada@contoso.example>',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      'Date: Tue, 02 Jun 2026 10:00:00 +0000',
      `Message-ID: <${createHash('sha256').update(subject).digest('hex').slice(0, 20)}@fabrikam.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Bonjour — ${subject}`,
      '--b1',
      'Content-Type: application/pdf; name="rapport été.pdf"',
      'Content-Disposition: attachment; filename="rapport.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 sandbox').toString('base64'),
      '--b1--',
      extra,
    ].join('\r\n'),
  );

describe('creating messages from MIME and JSON, and the extended-property idempotency key', () => {
  let kit: GraphKit;
  let upn: string;
  beforeAll(async () => {
    kit = await startGraphKit(mailScenario({ messagesPerUser: 40 }), [graphMailWorkload]);
    upn = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('creates a draft from base64 MIME (Content-Type text/plain) in a folder; $value returns the bytes sent and the inspection API their SHA-256', async () => {
    const client = await kit.app();
    const raw = mime('Réunion 日本');
    const created = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).header('Content-Type', 'text/plain').post(raw.toString('base64'))) as MicrosoftGraph.Message;
    expectShape<MicrosoftGraph.Message>(created, MESSAGE_SHAPE, ['id', 'subject', 'isDraft', 'internetMessageId']);
    expect(created).toMatchObject({ subject: 'Réunion 日本', isDraft: true, hasAttachments: true, from: { emailAddress: { address: 'zoe@fabrikam.example', name: 'Zoë Müller' } } });
    const inbox = (await client.api(`/users/${upn}/mailFolders/inbox`).get()) as MicrosoftGraph.MailFolder;
    expect(created.parentFolderId).toBe(inbox.id);
    const chunks: Buffer[] = [];
    for await (const c of (await client.api(`/users/${upn}/messages/${created.id ?? ''}/$value`).getStream()) as Readable) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(raw)).toBe(true);
    const meta = (await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(created.id ?? '')}`)).body as { sha256: string; origin: string; folderPath: string; attachments: { name: string; size: number }[] };
    expect(meta).toMatchObject({ sha256: createHash('sha256').update(raw).digest('hex'), origin: 'mime', folderPath: 'Inbox' });
    expect(meta.attachments).toEqual([expect.objectContaining({ name: 'rapport.pdf', size: 16 })]);
  });

  it('puts a /messages MIME create in Drafts', async () => {
    const client = await kit.app();
    const created = (await client.api(`/users/${upn}/messages`).header('Content-Type', 'text/plain').post(mime('to drafts').toString('base64'))) as MicrosoftGraph.Message;
    const drafts = (await client.api(`/users/${upn}/mailFolders/drafts`).get()) as MicrosoftGraph.MailFolder;
    expect(created.parentFolderId).toBe(drafts.id);
  });

  it('rejects invalid base64 (400 ErrorMimeContentInvalidBase64String), non-MIME (400) and bodies over 4 MB (413)', async () => {
    const client = await kit.app();
    expect(await graphFailure(client.api(`/users/${upn}/messages`).header('Content-Type', 'text/plain').post('this is not base64!!'))).toMatchObject({ statusCode: 400, code: 'ErrorMimeContentInvalidBase64String' });
    expect(await graphFailure(client.api(`/users/${upn}/messages`).header('Content-Type', 'text/plain').post(Buffer.from('\u0000\u0001binary garbage').toString('base64')))).toMatchObject({ statusCode: 400, code: 'ErrorMimeContentConversionFailed' });
    const big = mime('big', 'X'.repeat(3_200_000)).toString('base64');
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(await graphFailure(client.api(`/users/${upn}/messages`).header('Content-Type', 'text/plain').post(big))).toMatchObject({ statusCode: 413 });
  });

  it('creates a non-draft from JSON when PidTagMessageFlags (Integer 0x0E07) = 1 at creation, and a draft without it', async () => {
    const client = await kit.app();
    const base = { subject: 'JSON import', body: { contentType: 'HTML', content: '<p>Hello <b>there</b></p>' }, from: { emailAddress: { address: 'x@fabrikam.example', name: 'X' } }, toRecipients: [{ emailAddress: { address: upn } }] };
    const sent = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).post({
      ...base,
      singleValueExtendedProperties: [
        { id: 'Integer 0x0E07', value: '1' },
        { id: 'SystemTime 0x0E06', value: '2024-03-01T08:30:00Z' },
      ],
    })) as MicrosoftGraph.Message;
    expect(sent).toMatchObject({ isDraft: false, receivedDateTime: '2024-03-01T08:30:00Z', body: { contentType: 'html' }, bodyPreview: 'Hello there' });
    const asText = (await client.api(`/users/${upn}/messages/${sent.id ?? ''}`).header('Prefer', 'outlook.body-content-type="text"').get()) as MicrosoftGraph.Message;
    expect(asText.body).toEqual({ contentType: 'text', content: 'Hello there' });
    const draft = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).post(base)) as MicrosoftGraph.Message;
    expect(draft.isDraft).toBe(true);
    // Setting the flag afterwards does not un-draft a message, as in Exchange.
    const patched = (await client.api(`/users/${upn}/messages/${draft.id ?? ''}`).patch({ singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '1' }] })) as MicrosoftGraph.Message;
    expect(patched.isDraft).toBe(true);
  });

  it('finds a message by its source-id extended property with $filter=singleValueExtendedProperties/Any(...) and returns it with $expand', async () => {
    const client = await kit.app();
    const key = 'gmail:18c2f0a1b2c3d4e5';
    const made = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).post({ subject: 'keyed', singleValueExtendedProperties: [{ id: SOURCE_ID, value: key }, { id: 'Integer 0x0E07', value: '1' }] })) as MicrosoftGraph.Message;
    await client.api(`/users/${upn}/mailFolders/inbox/messages`).post({ subject: 'other key', singleValueExtendedProperties: [{ id: SOURCE_ID, value: `${key}-other` }] });
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${SOURCE_ID}' and ep/value eq '${key}')`;
    const expand = `singleValueExtendedProperties($filter=id eq '${SOURCE_ID}')`;
    for (const path of [`/users/${upn}/messages`, `/users/${upn}/mailFolders/inbox/messages`]) {
      const found = (await client.api(path).filter(filter).expand(expand).select('id,subject').get()) as { value: MicrosoftGraph.Message[] };
      expect(found.value).toHaveLength(1);
      expect(found.value[0]).toMatchObject({ id: made.id, subject: 'keyed', singleValueExtendedProperties: [{ id: 'String {00020329-0000-0000-c000-000000000046} Name FerrySourceId', value: key }] });
    }
    const none = (await client.api(`/users/${upn}/mailFolders/sentitems/messages`).filter(filter).get()) as { value: MicrosoftGraph.Message[] };
    expect(none.value).toHaveLength(0);
    const got = (await client.api(`/users/${upn}/messages/${made.id ?? ''}`).expand(expand).get()) as MicrosoftGraph.Message;
    expect(got.singleValueExtendedProperties).toEqual([{ id: SOURCE_ID, value: key }]);
    const plain = (await client.api(`/users/${upn}/messages/${made.id ?? ''}`).get()) as MicrosoftGraph.Message;
    expect(plain.singleValueExtendedProperties).toBeUndefined();
    const meta = (await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(made.id ?? '')}`)).body as { extendedProperties: unknown[]; isDraft: boolean };
    expect(meta.isDraft).toBe(false);
    expect(meta.extendedProperties).toContainEqual({ id: SOURCE_ID, value: key });
  });

  it('rejects malformed JSON, bad recipients and malformed extended property ids with 400', async () => {
    const client = await kit.app();
    const token = await kit.appToken();
    const r = await fetch(`${kit.sandbox.endpoints.graph}/users/${upn}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"subject":' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('RequestBodyRead');
    expect(await graphFailure(client.api(`/users/${upn}/messages`).post({ toRecipients: [{ emailAddress: { address: 'not an address' } }] }))).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRecipients' });
    expect(await graphFailure(client.api(`/users/${upn}/messages`).post({ singleValueExtendedProperties: [{ id: 'Nonsense', value: 'x' }] }))).toMatchObject({ statusCode: 400, code: 'ErrorInvalidExtendedPropertyValue' });
  });
});
