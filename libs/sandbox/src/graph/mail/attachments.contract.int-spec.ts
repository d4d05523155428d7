import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { FileUpload, LargeFileUploadTask } from '@microsoft/microsoft-graph-client';
import { simpleParser } from 'mailparser';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { expectShape, type Shape } from '../../testing/shape';
import { graphFailure, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { graphMailWorkload } from './graph-mail.workload';
import { mailScenario } from './mail-test.fixture';

const FILE_ATTACHMENT_SHAPE: Shape<MicrosoftGraph.FileAttachment> = {
  id: 'string',
  lastModifiedDateTime: 'string',
  name: 'string',
  contentType: 'string',
  size: 'number',
  isInline: 'boolean',
  contentId: ['string', 'null'],
  contentLocation: ['string', 'null'],
  contentBytes: 'string',
};
const UPLOAD_SESSION_SHAPE: Shape<MicrosoftGraph.UploadSession> = { uploadUrl: 'string', expirationDateTime: 'string', nextExpectedRanges: 'array' };

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('Graph message attachments and upload sessions', () => {
  let kit: GraphKit;
  let upn: string;
  let messageId: string;
  beforeAll(async () => {
    kit = await startGraphKit(mailScenario({ messagesPerUser: 30, attachmentRate: 1, attachmentSizes: [5000] }), [graphMailWorkload]);
    upn = kit.users[0]?.userPrincipalName ?? '';
    const client = await kit.app();
    const m = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).post({ subject: 'with attachments', singleValueExtendedProperties: [{ id: 'Integer 0x0E07', value: '1' }] })) as MicrosoftGraph.Message;
    messageId = m.id ?? '';
  });
  afterAll(() => kit.close());

  it('lists, gets and streams ($value) the seeded attachments of a seeded message, matching its MIME', async () => {
    const client = await kit.app();
    const [m] = ((await client.api(`/users/${upn}/mailFolders/inbox/messages`).filter('isDraft eq false and receivedDateTime lt 2026-01-01T00:00:00Z').top(1).get()) as { value: MicrosoftGraph.Message[] }).value;
    expect(m?.hasAttachments).toBe(true);
    const list = (await client.api(`/users/${upn}/messages/${m?.id ?? ''}/attachments`).get()) as { value: MicrosoftGraph.FileAttachment[] };
    expect(list.value.length).toBeGreaterThan(0);
    const first = list.value[0];
    expectShape<MicrosoftGraph.FileAttachment>(first, FILE_ATTACHMENT_SHAPE, ['id', 'name', 'size', 'contentType', 'contentBytes']);
    expect(first).toMatchObject({ '@odata.type': '#microsoft.graph.fileAttachment', size: 5000 });
    const one = (await client.api(`/users/${upn}/messages/${m?.id ?? ''}/attachments/${first?.id ?? ''}`).get()) as MicrosoftGraph.FileAttachment;
    expect(one.contentBytes).toBe(first?.contentBytes);
    const raw = await readAll((await client.api(`/users/${upn}/messages/${m?.id ?? ''}/attachments/${first?.id ?? ''}/$value`).getStream()) as Readable);
    expect(raw.toString('base64')).toBe(first?.contentBytes);
    const meta = (await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(m?.id ?? '')}`)).body as { attachments: { id: string; sha256: string }[] };
    expect(meta.attachments.find((a) => a.id === first?.id)?.sha256).toBe(sha(raw));
    const mime = await simpleParser(await readAll((await client.api(`/users/${upn}/messages/${m?.id ?? ''}/$value`).getStream()) as Readable));
    expect(mime.attachments.map((a) => a.content.toString('base64'))).toContain(first?.contentBytes);
  });

  it('returns attachments inline with $expand=attachments on get and list', async () => {
    const client = await kit.app();
    const page = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).filter('receivedDateTime lt 2026-01-01T00:00:00Z').expand('attachments').select('subject,hasAttachments').top(3).get()) as { value: MicrosoftGraph.Message[] };
    expect(page.value).toHaveLength(3);
    for (const m of page.value) {
      expect(m.attachments?.length).toBeGreaterThan(0);
      expectShape<MicrosoftGraph.FileAttachment>(m.attachments?.[0], FILE_ATTACHMENT_SHAPE, ['id', 'name', 'contentBytes']);
    }
    const one = (await client.api(`/users/${upn}/messages/${page.value[0]?.id ?? ''}`).expand('attachments').get()) as MicrosoftGraph.Message;
    expect(one.attachments?.map((a) => a.id)).toEqual(page.value[0]?.attachments?.map((a) => a.id));
    expect(await graphFailure(client.api(`/users/${upn}/messages/${one.id ?? ''}`).expand('mentions').get())).toMatchObject({ statusCode: 400 });
  });

  it('adds a small file attachment with contentBytes (201) and refuses one over 3 MB (413)', async () => {
    const client = await kit.app();
    const bytes = randomBytes(200_000);
    const att = (await client.api(`/users/${upn}/messages/${messageId}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'facture été.pdf', contentType: 'application/pdf', contentBytes: bytes.toString('base64') })) as MicrosoftGraph.FileAttachment;
    expectShape<MicrosoftGraph.FileAttachment>(att, FILE_ATTACHMENT_SHAPE, ['id', 'name', 'size']);
    expect(att).toMatchObject({ name: 'facture été.pdf', size: 200_000 });
    const m = (await client.api(`/users/${upn}/messages/${messageId}`).get()) as MicrosoftGraph.Message;
    expect(m.hasAttachments).toBe(true);
    const tooBig = randomBytes(3 * 1024 * 1024 + 10).toString('base64');
    expect(await graphFailure(client.api(`/users/${upn}/messages/${messageId}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'big.bin', contentBytes: tooBig }))).toMatchObject({ statusCode: 413 });
    expect(await graphFailure(client.api(`/users/${upn}/messages/${messageId}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'x', contentBytes: '***' }))).toMatchObject({ statusCode: 400 });
  });

  it('uploads a 9 MB attachment through createUploadSession with LargeFileUploadTask; the bytes read back intact', async () => {
    const client = await kit.app();
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    const payload = { AttachmentItem: { attachmentType: 'file', name: 'großes Archiv.zip', size: bytes.length, contentType: 'application/zip' } };
    const raw = (await client.api(`/users/${upn}/messages/${messageId}/attachments/createUploadSession`).post(payload)) as MicrosoftGraph.UploadSession;
    expectShape<MicrosoftGraph.UploadSession>(raw, UPLOAD_SESSION_SHAPE, ['uploadUrl', 'expirationDateTime', 'nextExpectedRanges']);
    expect(raw.nextExpectedRanges).toEqual(['0-']);
    const session = await LargeFileUploadTask.createUploadSession(client, `/users/${upn}/messages/${messageId}/attachments/createUploadSession`, payload);
    const task = new LargeFileUploadTask(client, new FileUpload(bytes, 'großes Archiv.zip', bytes.length), session, { rangeSize: 4 * 1024 * 1024 });
    const result = await task.upload();
    expect(result.location).toMatch(/Attachments\('.+'\)$/);
    const attId = /Attachments\('(.+)'\)$/.exec(result.location ?? '')?.[1] ?? '';
    const got = await readAll((await client.api(`/users/${upn}/messages/${messageId}/attachments/${attId}/$value`).getStream()) as Readable);
    expect(sha(got)).toBe(sha(bytes));
    const meta = (await client.api(`/users/${upn}/messages/${messageId}/attachments/${attId}`).get()) as MicrosoftGraph.FileAttachment;
    expect(meta).toMatchObject({ name: 'großes Archiv.zip', size: bytes.length, contentType: 'application/zip' });
    const inspected = (await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(messageId)}`)).body as { attachments: { id: string; sha256: string }[] };
    expect(inspected.attachments.find((a) => a.id === attId)?.sha256).toBe(sha(bytes));
  });

  it('enforces the upload protocol: wrong start 416, chunk over 4 MB 413, bad Content-Range 400, small files 400', async () => {
    const client = await kit.app();
    const size = 5 * 1024 * 1024;
    const session = (await client.api(`/users/${upn}/messages/${messageId}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name: 'a.bin', size } })) as MicrosoftGraph.UploadSession;
    const put = (start: number, body: Buffer, range = `bytes ${start}-${start + body.length - 1}/${size}`) => fetch(session.uploadUrl ?? '', { method: 'PUT', headers: { 'content-range': range, 'content-type': 'application/octet-stream' }, body });
    const wrongStart = await put(100, Buffer.alloc(10));
    expect(wrongStart.status).toBe(416);
    expect(((await wrongStart.json()) as { error: { code: string } }).error.code).toBe('ErrorInvalidRange');
    expect((await put(0, Buffer.alloc(4 * 1024 * 1024 + 1))).status).toBe(413);
    expect((await put(0, Buffer.alloc(10), 'bytes=0-9')).status).toBe(400);
    const ok = await put(0, Buffer.alloc(1024 * 1024));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ NextExpectedRanges: ['1048576'] });
    const tampered = new URL(session.uploadUrl ?? '');
    tampered.searchParams.set('authtoken', 'forged');
    expect((await fetch(tampered, { method: 'PUT', headers: { 'content-range': `bytes 1048576-1048585/${size}` }, body: Buffer.alloc(10) })).status).toBe(404);
    expect(await graphFailure(client.api(`/users/${upn}/messages/${messageId}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name: 'small.txt', size: 1000 } }))).toMatchObject({ statusCode: 400, code: 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize' });
  });

  it('does not charge the pre-authenticated upload URL against the mailbox budget', async () => {
    const put = (overrides: unknown[]) => kit.inspect('/throttle', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true, overrides }) });
    const token = await kit.appToken();
    const client = await kit.app();
    const size = 3 * 1024 * 1024 + 1;
    await put([{ limit: 'graph.mailbox', user: kit.users[0]?.id ?? '', spec: { rate: { count: 1, perSeconds: 3600 } } }]);
    try {
      const session = (await client.api(`/users/${upn}/messages/${messageId}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name: 'after-budget.bin', size } })) as MicrosoftGraph.UploadSession;
      const upload = await fetch(session.uploadUrl ?? '', { method: 'PUT', headers: { 'content-range': `bytes 0-${size - 1}/${size}`, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(size) });
      expect(upload.status).toBe(201);
      const spent = await fetch(`${kit.sandbox.endpoints.graph}/users/${upn}/messages?$top=1`, { headers: { authorization: `Bearer ${token}` } });
      expect(spent.status).toBe(429);
    } finally {
      await put([]);
    }
  });
});
