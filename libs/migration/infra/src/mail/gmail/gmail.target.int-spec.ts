import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ItemRejectedError, type MessageToWrite } from '@ferry/migration/application';
import { DEFAULT_STATE, idempotencyKey, type TargetPlacement } from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import { syntheticMessageId } from './ferry-headers';
import { type GmailSandbox, type SandboxGmailMessage, startGmailSandbox } from '../../testing/gmail-sandbox.fixture';
import { GmailTarget } from './gmail.target.adapter';

jest.setTimeout(120_000);

const never = new AbortController().signal;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const DATE = 'Tue, 05 Mar 2024 10:11:12 +0000';

/**
 * A message as a source would hand it over: `Message-ID` only when given, exactly `totalBytes` long
 * (default about 1 KB) with a random body, so every copy's content is its own.
 */
function composeMime(options: {
  subject: string;
  messageId?: string;
  totalBytes?: number;
  from?: boolean;
}): Buffer {
  const head = [
    ...(options.from === false ? [] : ['From: Ana Pereira <ana.pereira@partner.example>']),
    'To: Someone <someone@fabrikam.example>',
    `Subject: ${options.subject}`,
    `Date: ${DATE}`,
    ...(options.messageId ? [`Message-ID: <${options.messageId}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    '',
  ].join('\r\n');
  const size = (options.totalBytes ?? 1024) - Buffer.byteLength(head);
  const line = () => `${randomBytes(57).toString('base64')}\r\n`;
  let body = '';
  while (body.length < size) body += line();
  return Buffer.from(head + body.slice(0, size));
}

/** What Ferry puts in front of a message that has a Message-ID. */
const keyHeader = (key: string) => Buffer.from(`X-Ferry-Item: ${key}\r\n`);

let sourceIds = 0;
function toWrite(mime: Buffer, placement: TargetPlacement, piece = 64 * 1024): MessageToWrite {
  const key = idempotencyKey('project-1', 'mapping-1', `source-${++sourceIds}`);
  return {
    key,
    placement,
    receivedAt: Date.parse(DATE),
    size: mime.length,
    // Every open reads the source again, in pieces, as a provider stream would hand them over.
    openMime: () => {
      const parts: Buffer[] = [];
      for (let at = 0; at < mime.length; at += piece) parts.push(mime.subarray(at, at + piece));
      return Promise.resolve(Readable.from(parts, { objectMode: false }));
    },
  };
}

const placed = (over: Partial<TargetPlacement> = {}): TargetPlacement => ({
  path: [],
  role: 'inbox',
  extraLabels: [],
  state: { ...DEFAULT_STATE, read: true },
  ...over,
});

describe('gmail target adapter', () => {
  let g: GmailSandbox;
  let user: string;
  beforeAll(async () => {
    g = await startGmailSandbox({ messagesPerUser: 2, labels: ['Existing'] }, 3);
    user = g.users[1] ?? '';
  });
  afterAll(() => g.close());

  const labels = () =>
    g
      .gmail<{ labels: { id: string; name: string; type: string }[] }>(user, '/labels')
      .then((r) => r.labels.filter((l) => l.type === 'user'));
  const messages = () =>
    g.gmail<{ messages: SandboxGmailMessage[] }>(user, '/messages').then((r) => r.messages);
  const inspected = (id: string) => g.gmail<SandboxGmailMessage>(user, `/messages/${id}`);
  const importRequests = async () =>
    (await g.control<{ operations: Record<string, { requests: number } | undefined> }>('/stats')).operations[
      'gmail.users.messages.import'
    ]?.requests ?? 0;

  it('prepares nested and non-ASCII labels once, parents first, and takes a label another worker just made', async () => {
    const { connection, governor } = g.connect();
    const target = new GmailTarget(connection);
    const mailbox = g.mailbox(1);
    const placements = [
      placed({ path: ['Projets', 'été'] }),
      placed({ path: ['Clients', 'A\u2215B'] }),
      placed({ path: ['日本語'], role: null }),
      placed({ path: ['Existing'] }),
    ];
    await target.prepare(mailbox, placements, never);
    const names = (await labels()).map((l) => l.name).sort();
    expect(names).toEqual(
      ['Clients', 'Clients/A\u2215B', 'Existing', 'Projets', 'Projets/été', '日本語'].sort(),
    );
    const creates = governor.acquired.length;
    await target.prepare(mailbox, placements, never);
    expect(governor.acquired.length).toBe(creates);

    // Another worker's adapter creates a label this one's cached list does not have: Gmail answers 409.
    await new GmailTarget(g.connect().connection).prepare(mailbox, [placed({ path: ['Race'] })], never);
    await target.prepare(mailbox, [placed({ path: ['Race'] })], never);
    expect((await labels()).filter((l) => l.name === 'Race')).toHaveLength(1);
  });

  it('writes a message without Message-ID with its date, labels and key header, and finds it by key', async () => {
    const { connection, governor } = g.connect();
    const target = new GmailTarget(connection);
    const mailbox = g.mailbox(1);
    const mime = composeMime({ subject: 'Réunion sans identifiant' });
    const message = toWrite(
      mime,
      placed({
        path: ['Projets', 'été'],
        state: { ...DEFAULT_STATE, read: false, flagged: true, importance: 'high' },
      }),
    );
    expect(await target.find(mailbox, message.key, never)).toBeNull();
    const written = await target.write(mailbox, message, never);
    expect(written.contentHash).toBe(sha256(mime));
    const added = Buffer.from(
      `X-Ferry-Item: ${message.key}\r\nMessage-ID: <${syntheticMessageId(message.key)}>\r\n`,
    );
    expect(written.bytes).toBe(added.length + mime.length);
    const copy = await inspected(written.targetId);
    // What landed is the source MIME behind Ferry's two header lines, byte for byte.
    expect(copy.sha256).toBe(sha256(Buffer.concat([added, mime])));
    expect(copy.internalDate).toBe(Date.parse(DATE));
    const projetsEte = (await labels()).find((l) => l.name === 'Projets/été')?.id;
    expect([...copy.labelIds].sort()).toEqual(['IMPORTANT', 'INBOX', 'STARRED', 'UNREAD', projetsEte].sort());
    expect(await target.find(mailbox, message.key, never)).toBe(written.targetId);
    // A import is charged 25 units and its bytes.
    expect(governor.acquired.filter((a) => a.cost.units === 25).map((a) => a.cost.uploadBytes)).toEqual([
      expect.any(Number),
    ]);
  });

  it('keeps a message’s own Message-ID, and a second write finds the first copy instead of importing again', async () => {
    const { connection } = g.connect();
    const target = new GmailTarget(connection);
    const mailbox = g.mailbox(1);
    const mime = composeMime({ subject: 'With an id', messageId: 'with-id.1@partner.example' });
    const message = toWrite(mime, placed({ path: ['Clients', 'A\u2215B'], role: 'archive' }));
    const first = await target.write(mailbox, message, never);
    const imports = await importRequests();
    // The worker died before recording the copy: the item is written again.
    const again = await target.write(mailbox, message, never);
    expect(again).toEqual({ targetId: first.targetId, bytes: 0, contentHash: sha256(mime) });
    expect(await importRequests()).toBe(imports);
    const copies = (await messages()).filter((m) => m.messageId === '<with-id.1@partner.example>');
    expect(copies).toHaveLength(1);
    expect((await inspected(first.targetId)).sha256).toBe(
      sha256(Buffer.concat([Buffer.from(`X-Ferry-Item: ${message.key}\r\n`), mime])),
    );
    expect(copies[0]?.labelIds).not.toContain('INBOX');
  });

  it('uploads a large message resumably in chunks, an exact multiple of the chunk size included', async () => {
    const chunk = 256 * 1024;
    const { connection, governor } = g.connect();
    const target = new GmailTarget(connection, { limits: { multipartMaxBytes: chunk, chunkBytes: chunk } });
    const mailbox = g.mailbox(1);
    for (const total of [4 * chunk, 4 * chunk + 1000]) {
      const probe = toWrite(Buffer.alloc(0), placed());
      const mime = composeMime({
        subject: 'Large',
        messageId: `large-${total}@partner.example`,
        totalBytes: total - keyHeader(probe.key).length,
      });
      const message = { ...toWrite(mime, placed(), 10_000), key: probe.key };
      const before = governor.acquired.length;
      const imports = await importRequests();
      const written = await target.write(mailbox, message, never);
      expect(written.bytes).toBe(total);
      expect(written.contentHash).toBe(sha256(mime));
      expect((await inspected(written.targetId)).sha256).toBe(
        sha256(Buffer.concat([keyHeader(message.key), mime])),
      );
      const uploads = governor.acquired.slice(before).filter((a) => a.cost.units === 25);
      // One request opens the session, then one per chunk, each charged the bytes it carries.
      expect(uploads).toHaveLength(1 + Math.ceil(total / chunk));
      expect(uploads.slice(1).reduce((sum, a) => sum + (a.cost.uploadBytes ?? 0), 0)).toBe(total);
      expect(await importRequests()).toBe(imports + uploads.length);
    }
  });

  it('resumes an upload whose chunk was cut off mid-way, making one complete copy', async () => {
    const chunk = 256 * 1024;
    const { connection, governor } = g.connect();
    const target = new GmailTarget(connection, { limits: { multipartMaxBytes: chunk, chunkBytes: chunk } });
    const mime = composeMime({
      subject: 'Cut off',
      messageId: 'cut-off@partner.example',
      totalBytes: 3 * chunk,
    });
    const message = toWrite(mime, placed());
    // The second chunk's connection is reset after 100,000 of its bytes.
    await g.control('/faults', 'POST', {
      operation: 'gmail.users.messages.import',
      method: 'PUT',
      effect: { kind: 'reset-request', afterBytes: 100_000 },
      skip: 1,
      times: 1,
    });
    try {
      const written = await target.write(g.mailbox(1), message, never);
      expect((await inspected(written.targetId)).sha256).toBe(
        sha256(Buffer.concat([keyHeader(message.key), mime])),
      );
    } finally {
      await g.control('/faults', 'DELETE');
    }
    expect(governor.outcomes.filter((o) => o.kind === 'failed')).toHaveLength(1);
    expect((await messages()).filter((m) => m.messageId === '<cut-off@partner.example>')).toHaveLength(1);
  });

  it('rejects a message over the import limit as too large, filing nothing', async () => {
    const { connection } = g.connect();
    const target = new GmailTarget(connection, {
      limits: { multipartMaxBytes: 256 * 1024, chunkBytes: 256 * 1024, maxMessageBytes: 600 * 1024 },
    });
    const before = (await messages()).length;
    const mime = composeMime({
      subject: 'Too large',
      messageId: 'too-large@partner.example',
      totalBytes: 700 * 1024,
    });
    const error = await target.write(g.mailbox(1), toWrite(mime, placed()), never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemRejectedError);
    expect((error as ItemRejectedError).reason).toBe('too-large');
    expect((await messages()).length).toBe(before);
  });

  it('does not import twice when the answer to an import is lost', async () => {
    const { connection, governor } = g.connect();
    const target = new GmailTarget(connection);
    const mime = composeMime({ subject: 'Lost answer', messageId: 'lost-answer@partner.example' });
    await g.control('/faults', 'POST', {
      operation: 'gmail.users.messages.import',
      effect: { kind: 'reset-response', afterBytes: 0 },
      times: 1,
    });
    try {
      const imports = await importRequests();
      const written = await target.write(g.mailbox(1), toWrite(mime, placed()), never);
      expect(await importRequests()).toBe(imports + 1);
      const copies = (await messages()).filter((m) => m.messageId === '<lost-answer@partner.example>');
      expect(copies.map((c) => c.id)).toEqual([written.targetId]);
      // The import failed as far as Ferry could tell, and was not sent again.
      expect(governor.outcomes.filter((o) => o.kind === 'failed')).toHaveLength(1);
    } finally {
      await g.control('/faults', 'DELETE');
    }
  });

  it('updates labels to match a new placement, trashes on remove, and takes a copy already gone as removed', async () => {
    const { connection } = g.connect();
    const target = new GmailTarget(connection);
    const mailbox = g.mailbox(1);
    const mime = composeMime({ subject: 'To be moved', messageId: 'moved@partner.example' });
    const written = await target.write(
      mailbox,
      toWrite(mime, placed({ path: ['Projets'], state: { ...DEFAULT_STATE, read: false } })),
      never,
    );
    await g.gmail(user, `/messages/${written.targetId}`, 'PATCH', { addLabelIds: ['CATEGORY_UPDATES'] });
    await target.update(
      mailbox,
      {
        targetId: written.targetId,
        placement: placed({
          path: ['Clients'],
          role: 'archive',
          state: { ...DEFAULT_STATE, read: true, flagged: true },
        }),
      },
      never,
    );
    const byName = new Map((await labels()).map((l) => [l.name, l.id]));
    expect([...(await inspected(written.targetId)).labelIds].sort()).toEqual(
      ['CATEGORY_UPDATES', 'STARRED', byName.get('Clients')].sort(),
    );
    await target.remove(mailbox, written.targetId, never);
    expect((await inspected(written.targetId)).labelIds).toContain('TRASH');
    await expect(target.remove(mailbox, 'ffffffffffffffff', never)).resolves.toBeUndefined();
    const gone = await target
      .update(mailbox, { targetId: 'ffffffffffffffff', placement: placed() }, never)
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ItemRejectedError);
  });

  it('rejects a message Gmail refuses per item, and no error names an address, a subject, a label or a token', async () => {
    const { connection } = g.connect();
    const target = new GmailTarget(connection, { limits: { maxMessageBytes: 4096 } });
    const mailbox = g.mailbox(1);
    const failures: unknown[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => failures.push(new Error('expected a failure')),
        (e: unknown) => failures.push(e),
      );
    const secretSubject = 'Confidential merger Ørsted';
    await collect(
      target.write(
        mailbox,
        toWrite(composeMime({ subject: secretSubject, from: false }), placed({ path: ['Secret label'] })),
        never,
      ),
    );
    await collect(
      target.write(
        mailbox,
        toWrite(composeMime({ subject: secretSubject, totalBytes: 8000 }), placed()),
        never,
      ),
    );
    await collect(target.update(mailbox, { targetId: 'ffffffffffffffff', placement: placed() }, never));
    await g.control('/faults', 'POST', {
      operation: 'gmail.users.labels.list',
      effect: { kind: 'status', status: 503 },
    });
    try {
      await collect(
        new GmailTarget(g.connect().connection).prepare(
          g.mailbox(2),
          [placed({ path: ['Secret label 2'] })],
          never,
        ),
      );
    } finally {
      await g.control('/faults', 'DELETE');
    }
    expect(failures).toHaveLength(4);
    expect(failures[0]).toMatchObject({ reason: 'refused-by-target' });
    expect(failures[1]).toMatchObject({ reason: 'too-large' });
    expect(failures[3]).toBeInstanceOf(ProviderError);
    const token = (
      await connection.access.token(mailbox, ['https://www.googleapis.com/auth/gmail.modify'], never)
    ).token;
    const shown = failures
      .map((e) => `${(e as Error).message} ${(e as Error).stack ?? ''} ${JSON.stringify(e)}`)
      .join('\n');
    for (const secret of [...g.users, secretSubject, 'Secret label', token, 'partner.example'])
      expect(shown).not.toContain(secret);
  });
});
