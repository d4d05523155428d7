import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { gmail_v1 } from 'googleapis';
import MailComposer from 'nodemailer/lib/mail-composer';
import { googleRejection } from '../../testing/google-api-failure';
import { FULL_SCOPE, GMAIL_SCOPE, startGmailFixture, type GmailFixture } from './gmail-contract.fixture';

async function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('Gmail messages.import and messages.insert through googleapis', () => {
  let g: GmailFixture;
  let user: string;
  let gmail: gmail_v1.Gmail;
  // googleapis v176 builds media URLs from the per-call rootUrl only (the client-level one is not applied to them).
  // (Its multipart upload also needs the media body as a string or stream: a Buffer is not piped.)
  let upload: { rootUrl: string };
  beforeAll(async () => {
    // Resumable chunks cost 25 units each: with the documented 15,000 units a minute per user, this spec's
    // burst of uploads would be throttled. Throttling has its own spec (gmail-quota).
    g = await startGmailFixture({ messagesPerUser: 5 }, 3, { throttle: { enabled: false, overrides: [] } });
    user = g.users[0] ?? '';
    gmail = await g.client(user);
    upload = { rootUrl: g.sandbox.endpoints.googleRoot };
  });
  afterAll(() => g.close());

  const rawOf = async (id: string): Promise<Buffer> =>
    Buffer.from(
      (await gmail.users.messages.get({ userId: 'me', id, format: 'raw' })).data.raw ?? '',
      'base64url',
    );

  it('imports with uploadType=media and reads the same bytes back as format=raw, dated by its Date header', async () => {
    const mime = await compose({
      from: 'Ana Pereira <ana@partner.example>',
      to: user,
      subject: 'Média import — données',
      date: new Date('2024-03-04T05:06:07Z'),
      messageId: '<media-import-1@partner.example>',
      text: 'Bonjour, voici le fichier.',
      attachments: [{ filename: 'résumé.pdf', content: randomBytes(50_000), contentType: 'application/pdf' }],
    });
    const res = await gmail.users.messages.import(
      {
        userId: 'me',
        internalDateSource: 'dateHeader',
        neverMarkSpam: true,
        processForCalendar: false,
        media: { mimeType: 'message/rfc822', body: mime },
      },
      upload,
    );
    expect(new URL(res.config.url.toString()).pathname).toBe('/upload/gmail/v1/users/me/messages/import');
    expect(new URL(res.config.url.toString()).searchParams.get('uploadType')).toBe('media');
    const id = res.data.id ?? '';
    expect(res.data.threadId).toBe(id);
    expect((await rawOf(id)).equals(mime)).toBe(true);
    const full = (await gmail.users.messages.get({ userId: 'me', id })).data;
    expect(full.internalDate).toBe(String(Date.parse('2024-03-04T05:06:07Z')));
    expect(full.snippet).toContain('Bonjour');
    expect(full.payload?.headers?.find((h) => h.name === 'Subject')?.value).toBe('Média import — données');
    const att = full.payload?.parts?.find((p) => p.filename === 'résumé.pdf');
    expect(att?.body?.size).toBe(50_000);
    const inspected = (await g.inspect(`${user}/messages/${id}`)).body as {
      sha256: string;
      messageId: string;
    };
    expect(inspected).toMatchObject({ sha256: sha256(mime), messageId: '<media-import-1@partner.example>' });
  });

  it('imports with uploadType=multipart (labels from the metadata part) and threads a reply onto its parent', async () => {
    const seeded = (await g.inspect(`${user}/messages`)).body as {
      messages: { id: string; threadId: string; messageId: string }[];
    };
    const parent = seeded.messages[0];
    const mime = await compose({
      from: 'Reply <r@partner.example>',
      to: user,
      subject: 'Re: thread',
      inReplyTo: parent?.messageId ?? '',
      references: parent?.messageId ?? '',
      text: 'a reply',
    });
    const res = await gmail.users.messages.import(
      {
        userId: 'me',
        requestBody: { labelIds: ['INBOX', 'UNREAD', 'Label_2'] },
        media: { mimeType: 'message/rfc822', body: Readable.from([mime]) },
      },
      upload,
    );
    expect(res.data.labelIds).toEqual(['INBOX', 'UNREAD', 'Label_2']);
    expect(res.data.threadId).toBe(parent?.threadId);
    expect((await rawOf(res.data.id ?? '')).equals(mime)).toBe(true);
  });

  it('inserts by JSON raw and by multipart, dated at receipt by default', async () => {
    const mime = await compose({
      from: 'x@partner.example',
      to: user,
      subject: 'insert',
      date: new Date('2001-01-01T00:00:00Z'),
      text: 'inserted',
    });
    const before = g.sandbox.context.clock.now();
    const viaRaw = await gmail.users.messages.insert({
      userId: 'me',
      requestBody: { raw: mime.toString('base64url'), labelIds: ['INBOX'] },
    });
    expect(viaRaw.config.url.toString()).toContain('/gmail/v1/users/me/messages');
    const got = (
      await gmail.users.messages.get({ userId: 'me', id: viaRaw.data.id ?? '', format: 'minimal' })
    ).data;
    expect(Number(got.internalDate)).toBeGreaterThanOrEqual(before);
    const viaUpload = await gmail.users.messages.insert(
      {
        userId: 'me',
        internalDateSource: 'dateHeader',
        requestBody: { labelIds: ['SENT'] },
        media: { mimeType: 'message/rfc822', body: Readable.from([mime]) },
      },
      upload,
    );
    const dated = (
      await gmail.users.messages.get({ userId: 'me', id: viaUpload.data.id ?? '', format: 'minimal' })
    ).data;
    expect(dated.internalDate).toBe(String(Date.parse('2001-01-01T00:00:00Z')));
    expect(dated.labelIds).toEqual(['SENT']);
  });

  it('imports a multi-MB message over the resumable protocol in chunks, with 308 Range answers and a status query', async () => {
    const mime = await compose({
      from: 'Big <big@partner.example>',
      to: user,
      subject: 'resumable',
      text: 'large',
      attachments: [{ filename: 'big.bin', content: randomBytes(4_500_000) }],
    });
    const auth = await g.auth(user);
    const start = await auth.request({
      url: `${g.sandbox.endpoints.googleRoot}upload/gmail/v1/users/me/messages/import?uploadType=resumable&internalDateSource=receivedTime`,
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-type': 'message/rfc822',
        'x-upload-content-length': String(mime.length),
      },
      data: { labelIds: ['INBOX'] },
    });
    expect(start.status).toBe(200);
    const location = start.headers.get('location') ?? '';
    expect(location).toContain('upload_id=');
    const chunkSize = 2 * 1024 * 1024;
    const put = (body: Buffer, range: string) =>
      auth.request({
        url: location,
        method: 'PUT',
        headers: { 'content-range': range },
        data: body,
        validateStatus: () => true,
      });
    const first = await put(mime.subarray(0, chunkSize), `bytes 0-${chunkSize - 1}/${mime.length}`);
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe(`bytes=0-${chunkSize - 1}`);
    const status = await put(Buffer.alloc(0), `bytes */${mime.length}`);
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe(`bytes=0-${chunkSize - 1}`);
    // Resending an overlapping range is harmless: the server skips what it already has.
    const second = await put(
      mime.subarray(chunkSize - 1000, 2 * chunkSize),
      `bytes ${chunkSize - 1000}-${2 * chunkSize - 1}/${mime.length}`,
    );
    expect(second.headers.get('range')).toBe(`bytes=0-${2 * chunkSize - 1}`);
    const last = await put(
      mime.subarray(2 * chunkSize),
      `bytes ${2 * chunkSize}-${mime.length - 1}/${mime.length}`,
    );
    expect(last.status).toBe(200);
    const message = last.data as gmail_v1.Schema$Message;
    expect(message.labelIds).toEqual(['INBOX']);
    expect((await rawOf(message.id ?? '')).equals(mime)).toBe(true);
    const again = await put(Buffer.alloc(0), `bytes */${mime.length}`);
    expect(again.status).toBe(200);
    const skipAhead = await auth.request({
      url: `${g.sandbox.endpoints.googleRoot}upload/gmail/v1/users/me/messages/import?uploadType=resumable`,
      method: 'POST',
      data: {},
    });
    const gap = await auth.request({
      url: skipAhead.headers.get('location') ?? '',
      method: 'PUT',
      headers: { 'content-range': 'bytes 100-199/1000' },
      data: Buffer.alloc(100),
      validateStatus: () => true,
    });
    expect(gap.status).toBe(400);
  });

  it('refuses invalid MIME, an empty message and unknown labels with 400 before filing anything', async () => {
    const count = async () => ((await g.inspect(user)).body as { messages: number }).messages;
    const before = await count();
    await expect(
      gmail.users.messages.import(
        { userId: 'me', media: { mimeType: 'message/rfc822', body: 'this is not a message\r\n\r\nbody' } },
        upload,
      ),
    ).rejects.toMatchObject(googleRejection(400, 'invalidArgument'));
    await expect(
      gmail.users.messages.import(
        {
          userId: 'me',
          media: {
            mimeType: 'message/rfc822',
            body: 'From: a@x.example\r\nFrom: b@x.example\r\nSubject: two\r\n\r\nx',
          },
        },
        upload,
      ),
    ).rejects.toMatchObject(googleRejection(400, 'invalidArgument', "Expected a single 'From' header"));
    await expect(
      gmail.users.messages.insert({ userId: 'me', requestBody: { labelIds: ['INBOX'] } }),
    ).rejects.toMatchObject(
      googleRejection(
        400,
        'invalidArgument',
        "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
      ),
    );
    await expect(
      gmail.users.messages.import(
        {
          userId: 'me',
          requestBody: { labelIds: ['Label_404'] },
          media: { mimeType: 'message/rfc822', body: 'From: a@x.example\r\n\r\nx' },
        },
        upload,
      ),
    ).rejects.toMatchObject(googleRejection(400, 'invalidArgument', 'Invalid label: Label_404'));
    await expect(
      gmail.users.messages.import(
        {
          userId: 'me',
          internalDateSource: 'sometime',
          media: { mimeType: 'message/rfc822', body: 'From: a@x.example\r\n\r\nx' },
        },
        upload,
      ),
    ).rejects.toMatchObject({ status: 400 });
    expect(await count()).toBe(before);
  });

  it('refuses a message over 150 MB with 413, from the declared length, before reading it', async () => {
    const auth = await g.auth(user);
    const tooBig = await auth.request({
      url: `${g.sandbox.endpoints.googleRoot}upload/gmail/v1/users/me/messages/import?uploadType=resumable`,
      method: 'POST',
      headers: { 'x-upload-content-length': String(150 * 1024 * 1024 + 1) },
      data: {},
      validateStatus: () => true,
    });
    expect(tooBig.status).toBe(413);
    const session = await auth.request({
      url: `${g.sandbox.endpoints.googleRoot}upload/gmail/v1/users/me/messages/import?uploadType=resumable`,
      method: 'POST',
      data: {},
    });
    const chunk = await auth.request({
      url: session.headers.get('location') ?? '',
      method: 'PUT',
      headers: { 'content-range': `bytes 0-9/${200 * 1024 * 1024}` },
      data: Buffer.alloc(10),
      validateStatus: () => true,
    });
    expect(chunk.status).toBe(413);
    expect((chunk.data as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe(
      'uploadTooLarge',
    );
  });

  it('needs gmail.insert, gmail.modify or mail.google.com to import (403 for a labels-only token)', async () => {
    await g.setDelegation([FULL_SCOPE, GMAIL_SCOPE('labels'), GMAIL_SCOPE('insert')]);
    const labelsOnly = await g.client(user, [GMAIL_SCOPE('labels')]);
    await expect(
      labelsOnly.users.messages.import(
        { userId: 'me', media: { mimeType: 'message/rfc822', body: 'From: a@x.example\r\n\r\nx' } },
        upload,
      ),
    ).rejects.toMatchObject(googleRejection(403, 'insufficientPermissions'));
    const insertOnly = await g.client(user, [GMAIL_SCOPE('insert')]);
    const ok = await insertOnly.users.messages.import(
      { userId: 'me', media: { mimeType: 'message/rfc822', body: 'From: a@x.example\r\n\r\nx' } },
      upload,
    );
    expect(ok.status).toBe(200);
  });
});
