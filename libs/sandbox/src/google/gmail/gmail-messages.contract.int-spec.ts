import { createHash } from 'node:crypto';
import type { gmail_v1 } from 'googleapis';
import { call } from '../../testing/test-sandbox';
import { expectShape, type Shape } from '../../testing/shape';
import { googleRejection } from '../../testing/google-api-failure';
import { FULL_SCOPE, GMAIL_SCOPE, startGmailFixture, type GmailFixture } from './gmail-contract.fixture';

const MESSAGE: Shape<gmail_v1.Schema$Message> = {
  id: 'string',
  threadId: 'string',
  labelIds: 'array',
  snippet: 'string',
  sizeEstimate: 'number',
  historyId: 'string',
  internalDate: 'string',
  payload: 'object',
  raw: 'string',
};
const PART: Shape<gmail_v1.Schema$MessagePart> = {
  partId: 'string',
  mimeType: 'string',
  filename: 'string',
  headers: 'array',
  body: 'object',
  parts: 'array',
};
const BODY: Shape<gmail_v1.Schema$MessagePartBody> = {
  attachmentId: 'string',
  size: 'number',
  data: 'string',
};
const LIST: Shape<gmail_v1.Schema$ListMessagesResponse> = {
  messages: 'array',
  nextPageToken: 'string',
  resultSizeEstimate: 'number',
};
const PROFILE: Shape<gmail_v1.Schema$Profile> = {
  emailAddress: 'string',
  messagesTotal: 'number',
  threadsTotal: 'number',
  historyId: 'string',
};

function walk(part: gmail_v1.Schema$MessagePart, visit: (p: gmail_v1.Schema$MessagePart) => void): void {
  visit(part);
  for (const p of part.parts ?? []) walk(p, visit);
}

describe('Gmail messages through googleapis', () => {
  let g: GmailFixture;
  let user: string;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    g = await startGmailFixture({
      messagesPerUser: 60,
      attachmentRate: 0.5,
      attachmentSizes: [2048, 70_000],
    });
    user = g.users[0] ?? '';
    gmail = await g.client(user);
  });
  afterAll(() => g.close());

  it('answers getProfile for me with the mailbox totals', async () => {
    const { data } = await gmail.users.getProfile({ userId: 'me' });
    expectShape<gmail_v1.Schema$Profile>(data, PROFILE, [
      'emailAddress',
      'messagesTotal',
      'threadsTotal',
      'historyId',
    ]);
    expect(data.emailAddress).toBe(user);
    expect(data.messagesTotal).toBe(60);
    expect(data.threadsTotal).toBeLessThan(60);
  });

  it('reports its mailboxes in the sandbox summary', async () => {
    const summary = (await call(`${g.sandbox.endpoints.inspect}/summary`)).body as {
      gmail: { tenants: { messagesPerUser: number; mailboxesMaterialized: number; messages: number }[] };
    };
    expect(summary.gmail.tenants[0]).toMatchObject({
      messagesPerUser: 60,
      mailboxesMaterialized: 1,
      messages: 60,
    });
  });

  it('pages messages.list newest first, excluding SPAM and TRASH unless asked', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await gmail.users.messages.list({
        userId: 'me',
        maxResults: 7,
        ...(pageToken ? { pageToken } : {}),
      });
      expectShape<gmail_v1.Schema$ListMessagesResponse>(data, LIST, ['resultSizeEstimate']);
      seen.push(...(data.messages ?? []).map((m) => m.id ?? ''));
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    const inspected = (await g.inspect(`${user}/messages`)).body as {
      messages: { id: string; labelIds: string[]; internalDate: number }[];
    };
    const visible = inspected.messages.filter(
      (m) => !m.labelIds.includes('SPAM') && !m.labelIds.includes('TRASH'),
    );
    expect(seen).toEqual(visible.map((m) => m.id));
    expect(pages).toBe(Math.ceil(visible.length / 7));
    const all = await gmail.users.messages.list({ userId: 'me', maxResults: 500, includeSpamTrash: true });
    expect(all.data.messages).toHaveLength(60);
  });

  it('filters by labelIds and by q (in:, label:, after:/before:, rfc822msgid:)', async () => {
    const inspected = (await g.inspect(`${user}/messages`)).body as {
      messages: { id: string; labelIds: string[]; internalDate: number; messageId: string }[];
    };
    const sent = inspected.messages.filter(
      (m) => m.labelIds.includes('SENT') && !m.labelIds.includes('TRASH') && !m.labelIds.includes('SPAM'),
    );
    const bySent = await gmail.users.messages.list({ userId: 'me', q: 'in:sent', maxResults: 500 });
    expect((bySent.data.messages ?? []).map((m) => m.id)).toEqual(sent.map((m) => m.id));
    const byLabelIds = await gmail.users.messages.list({ userId: 'me', labelIds: ['SENT'], maxResults: 500 });
    expect(byLabelIds.data.resultSizeEstimate).toBe(sent.length);
    const trash = await gmail.users.messages.list({ userId: 'me', q: 'in:trash', maxResults: 500 });
    expect(trash.data.resultSizeEstimate).toBe(
      inspected.messages.filter((m) => m.labelIds.includes('TRASH')).length,
    );

    const labels = (await gmail.users.labels.list({ userId: 'me' })).data.labels ?? [];
    const ete = labels.find((l) => l.name === 'Projets/été');
    const withEte = inspected.messages.filter(
      (m) =>
        m.labelIds.includes(ete?.id ?? '') && !m.labelIds.includes('SPAM') && !m.labelIds.includes('TRASH'),
    );
    const byLabel = await gmail.users.messages.list({
      userId: 'me',
      q: 'label:projets-été',
      maxResults: 500,
    });
    expect(byLabel.data.resultSizeEstimate).toBe(withEte.length);

    const sorted = [...inspected.messages].sort((a, b) => a.internalDate - b.internalDate);
    const pivot = sorted[30]?.internalDate ?? 0;
    const after = await gmail.users.messages.list({
      userId: 'me',
      q: `after:${Math.floor(pivot / 1000)} in:anywhere`,
      maxResults: 500,
    });
    const before = await gmail.users.messages.list({
      userId: 'me',
      q: `before:${Math.floor(pivot / 1000)} in:anywhere`,
      maxResults: 500,
    });
    expect((after.data.resultSizeEstimate ?? 0) + (before.data.resultSizeEstimate ?? 0)).toBe(60);
    expect(after.data.resultSizeEstimate).toBe(
      sorted.filter((m) => m.internalDate >= Math.floor(pivot / 1000) * 1000).length,
    );

    const target = inspected.messages[5];
    const byId = await gmail.users.messages.list({
      userId: 'me',
      q: `rfc822msgid:${target?.messageId ?? ''}`,
      includeSpamTrash: true,
    });
    expect(byId.data.messages?.map((m) => m.id)).toEqual([target?.id]);
  });

  it('gets a message as minimal, metadata (chosen headers) and full (parts tree with attachment ids)', async () => {
    const inspected = (await g.inspect(`${user}/messages`)).body as {
      messages: { id: string; subject: string }[];
    };
    const ids = inspected.messages.map((m) => m.id);
    const minimal = (await gmail.users.messages.get({ userId: 'me', id: ids[0] ?? '', format: 'minimal' }))
      .data;
    expectShape<gmail_v1.Schema$Message>(minimal, MESSAGE, [
      'id',
      'threadId',
      'labelIds',
      'snippet',
      'sizeEstimate',
      'historyId',
      'internalDate',
    ]);
    expect(minimal.payload).toBeUndefined();

    const metadata = (
      await gmail.users.messages.get({
        userId: 'me',
        id: ids[0] ?? '',
        format: 'metadata',
        metadataHeaders: ['Subject', 'message-id'],
      })
    ).data;
    expect(metadata.payload?.headers?.map((h) => h.name?.toLowerCase()).sort()).toEqual([
      'message-id',
      'subject',
    ]);
    expect(metadata.payload?.headers?.find((h) => h.name === 'Subject')?.value).toBe(
      inspected.messages[0]?.subject,
    );

    let withAttachment: gmail_v1.Schema$Message | undefined;
    for (const id of ids) {
      const full = (await gmail.users.messages.get({ userId: 'me', id })).data;
      expectShape<gmail_v1.Schema$Message>(full, MESSAGE, ['id', 'payload']);
      walk(full.payload ?? {}, (p) => {
        expectShape<gmail_v1.Schema$MessagePart>(p, PART, [
          'partId',
          'mimeType',
          'filename',
          'headers',
          'body',
        ]);
        expectShape<gmail_v1.Schema$MessagePartBody>(p.body, BODY, ['size']);
      });
      if ((full.payload?.parts ?? []).some((p) => p.body?.attachmentId)) {
        withAttachment = full;
        break;
      }
    }
    expect(withAttachment).toBeDefined();
    const parts = withAttachment?.payload?.parts ?? [];
    expect(withAttachment?.payload?.mimeType).toBe('multipart/mixed');
    const text = parts.find((p) => p.mimeType === 'text/plain');
    expect(Buffer.from(text?.body?.data ?? '', 'base64url').toString('utf8')).toContain('Hello,');
    const att = parts.find((p) => p.body?.attachmentId);
    expect(att?.filename).toMatch(/\.(pdf|jpg|csv|zip)$/);
    const fetched = (
      await gmail.users.messages.attachments.get({
        userId: 'me',
        messageId: withAttachment?.id ?? '',
        id: att?.body?.attachmentId ?? '',
      })
    ).data;
    expectShape<gmail_v1.Schema$MessagePartBody>(fetched, BODY, ['size', 'data']);
    expect(Buffer.from(fetched.data ?? '', 'base64url').length).toBe(att?.body?.size);
  });

  it('returns format=raw whose bytes hash to the SHA-256 the inspection API reports', async () => {
    const inspected = (await g.inspect(`${user}/messages`)).body as { messages: { id: string }[] };
    const id = inspected.messages[2]?.id ?? '';
    const raw = (await gmail.users.messages.get({ userId: 'me', id, format: 'raw' })).data;
    expectShape<gmail_v1.Schema$Message>(raw, MESSAGE, ['id', 'raw']);
    const bytes = Buffer.from(raw.raw ?? '', 'base64url');
    const detail = (await g.inspect(`${user}/messages/${id}`)).body as { sha256: string; size: number };
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(detail.sha256);
    expect(bytes.length).toBe(detail.size);
  });

  it('modifies, batch-modifies, trashes, untrashes and deletes, each bumping the historyId', async () => {
    const list = (await gmail.users.messages.list({ userId: 'me', maxResults: 3 })).data.messages ?? [];
    const [a, b, c] = list.map((m) => m.id ?? '');
    const before = Number((await gmail.users.getProfile({ userId: 'me' })).data.historyId);
    const modified = (
      await gmail.users.messages.modify({
        userId: 'me',
        id: a ?? '',
        requestBody: { addLabelIds: ['STARRED'], removeLabelIds: ['INBOX'] },
      })
    ).data;
    expect(modified.labelIds).toContain('STARRED');
    expect(modified.labelIds).not.toContain('INBOX');
    const batch = await gmail.users.messages.batchModify({
      userId: 'me',
      requestBody: { ids: [b ?? '', c ?? ''], addLabelIds: ['IMPORTANT'] },
    });
    expect(batch.status).toBe(204);
    expect(
      (await gmail.users.messages.get({ userId: 'me', id: c ?? '', format: 'minimal' })).data.labelIds,
    ).toContain('IMPORTANT');
    expect((await gmail.users.messages.trash({ userId: 'me', id: b ?? '' })).data.labelIds).toContain(
      'TRASH',
    );
    expect((await gmail.users.messages.untrash({ userId: 'me', id: b ?? '' })).data.labelIds).not.toContain(
      'TRASH',
    );
    expect((await gmail.users.messages.delete({ userId: 'me', id: c ?? '' })).status).toBe(204);
    await expect(gmail.users.messages.get({ userId: 'me', id: c ?? '' })).rejects.toMatchObject({
      status: 404,
    });
    const after = Number((await gmail.users.getProfile({ userId: 'me' })).data.historyId);
    expect(after).toBeGreaterThan(before + 3);
  });

  it('refuses unknown ids (404), malformed ids (400) and unknown labels in modify (400) in Gmail error shape', async () => {
    await expect(gmail.users.messages.get({ userId: 'me', id: 'ffffffffffffffff' })).rejects.toMatchObject(
      googleRejection(404, 'notFound', 'Requested entity was not found.'),
    );
    await expect(gmail.users.messages.get({ userId: 'me', id: 'not-an-id!' })).rejects.toMatchObject(
      googleRejection(400, 'invalidArgument', 'Invalid id value'),
    );
    const id =
      (await gmail.users.messages.list({ userId: 'me', maxResults: 1 })).data.messages?.[0]?.id ?? '';
    await expect(
      gmail.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: ['Label_999'] } }),
    ).rejects.toMatchObject(googleRejection(400, 'invalidArgument', 'Invalid label: Label_999'));
    await expect(gmail.users.messages.get({ userId: 'me', id, format: 'bogus' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("denies another user's mailbox with 403 'Delegation denied for ...'", async () => {
    const other = g.users[1] ?? '';
    await expect(gmail.users.messages.list({ userId: other })).rejects.toMatchObject(
      googleRejection(403, 'forbidden', `Delegation denied for ${other}`),
    );
    const own = await gmail.users.messages.list({ userId: user, maxResults: 1 });
    expect(own.data.messages).toHaveLength(1);
  });

  it('limits a metadata-scope token: no format=full/raw, no q, and no writes', async () => {
    await g.setDelegation([
      FULL_SCOPE,
      GMAIL_SCOPE('modify'),
      GMAIL_SCOPE('metadata'),
      GMAIL_SCOPE('readonly'),
    ]);
    const meta = await g.client(user, [GMAIL_SCOPE('metadata')]);
    const id = (await meta.users.messages.list({ userId: 'me', maxResults: 1 })).data.messages?.[0]?.id ?? '';
    expect(
      (await meta.users.messages.get({ userId: 'me', id, format: 'metadata' })).data.payload?.headers?.length,
    ).toBeGreaterThan(0);
    await expect(meta.users.messages.get({ userId: 'me', id, format: 'full' })).rejects.toMatchObject(
      googleRejection(403, 'forbidden', "Metadata scope doesn't allow format FULL"),
    );
    await expect(meta.users.messages.list({ userId: 'me', q: 'in:inbox' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(meta.users.messages.trash({ userId: 'me', id })).rejects.toMatchObject(
      googleRejection(403, 'insufficientPermissions'),
    );
    const readonly = await g.client(user, [GMAIL_SCOPE('readonly')]);
    await expect(readonly.users.messages.delete({ userId: 'me', id })).rejects.toMatchObject({ status: 403 });
  });
});
