import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import {
  type AccessProvider,
  ItemRejectedError,
  type MailboxRef,
  type MessageToWrite,
} from '@ferry/migration/application';
import { idempotencyKey, type MailState, type TargetPlacement } from '@ferry/migration/domain';
import type { StreamingTransport } from '@ferry/providers/core';
import { type GraphMailKit, type InspectedMessage, startGraphMailKit } from '../../testing/graph-mail.fixture';
import { GraphMailSource } from './graph-mail.source.adapter';
import { GraphMailTarget } from './graph-mail.target.adapter';
import { GraphTargetFolders } from './graph-target.folders';

jest.setTimeout(120_000);

const MiB = 1024 * 1024;
const READ_FLAGGED: MailState = {
  read: true,
  flagged: true,
  answered: true,
  draft: false,
  importance: 'high',
};
const placement = (path: string[], over: Partial<TargetPlacement> = {}): TargetPlacement => ({
  path,
  role: null,
  extraLabels: [],
  state: READ_FLAGGED,
  ...over,
});
const signal = () => new AbortController().signal;
let keys = 0;
const nextKey = () => idempotencyKey('project-graph-spec', 'mapping-1', `source-${++keys}`);

/** Deterministic bytes, generated as read; counts how many were pulled. */
class Generated extends Readable {
  pulled = 0;
  constructor(
    private readonly total: number,
    private readonly seed: string,
  ) {
    super();
  }
  override _read(): void {
    if (this.pulled >= this.total) {
      this.push(null);
      return;
    }
    const n = Math.min(64 * 1024, this.total - this.pulled);
    const block = createHash('sha256').update(`${this.seed}/${this.pulled}`).digest();
    const chunk = Buffer.alloc(n);
    for (let i = 0; i < n; i += block.length) block.copy(chunk, i);
    this.pulled += n;
    this.push(chunk);
  }
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A composed message whose big attachment is generated on every read (so reads can be counted). */
function composed(options: { subject: string; text?: string; html?: string; big?: number; small?: number }) {
  const reads: Generated[] = [];
  const open = (): Readable => {
    const big = options.big === undefined ? undefined : new Generated(options.big, 'big');
    if (big) reads.push(big);
    return new MailComposer({
      from: { name: 'Ada Sender', address: 'ada.sender@fabrikam.example' },
      to: [{ name: 'Bo Receiver', address: 'bo.receiver@contoso.example' }],
      cc: 'carol@fabrikam.example',
      subject: options.subject,
      date: new Date('2025-03-04T05:06:07Z'),
      messageId: '<composed-1@fabrikam.example>',
      baseBoundary: 'ferry-spec-boundary',
      ...(options.html !== undefined ? { html: options.html } : { text: options.text ?? 'Hello' }),
      attachments: [
        ...(options.small !== undefined
          ? [
              {
                filename: 'small.bin',
                contentType: 'application/octet-stream',
                content: Buffer.alloc(options.small, 7),
              },
            ]
          : []),
        ...(big ? [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big }] : []),
      ],
      disableFileAccess: true,
      disableUrlAccess: true,
    })
      .compile()
      .createReadStream();
  };
  return { open, reads };
}

function toWrite(open: () => Readable, over: Partial<MessageToWrite> = {}): MessageToWrite {
  return {
    key: nextKey(),
    placement: placement(['Ferry spec']),
    receivedAt: Date.parse('2025-03-04T06:00:00Z'),
    size: 0,
    openMime: () => Promise.resolve(open()),
    ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('graph mail target (Microsoft Graph, sandbox)', () => {
  let kit: GraphMailKit;
  let target: MailboxRef;
  const messagesOf = async (mailbox: MailboxRef, query = '') =>
    (
      await kit.inspect<{ value: InspectedMessage[] }>(
        `/microsoft/mail/${encodeURIComponent(mailbox.address)}/messages?limit=5000${query}`,
      )
    ).value;
  const byKey = async (mailbox: MailboxRef, key: string) =>
    (await messagesOf(mailbox)).filter((m) => m.extendedProperties.some((p) => p.value === key));
  const inspectMessage = (mailbox: MailboxRef, id: string) =>
    kit.inspect<InspectedMessage>(
      `/microsoft/mail/${encodeURIComponent(mailbox.address)}/messages/${encodeURIComponent(id)}`,
    );
  const prop = (m: InspectedMessage, id: string) => m.extendedProperties.find((p) => p.id === id)?.value;

  beforeAll(async () => {
    kit = await startGraphMailKit({
      messagesPerUser: 30,
      attachmentRate: 0.5,
      attachmentSizes: [2048, 300_000],
    });
    target = kit.mailbox(1);
  });
  afterAll(async () => {
    await kit.close();
  });
  afterEach(async () => {
    await kit.inspect('/faults', { method: 'DELETE' });
  });

  it('copies a seeded message with its attachments: not a draft, dates, header block, state and categories kept', async () => {
    const sourceBox = kit.mailbox(0);
    const seeded = (await messagesOf(sourceBox, '&sha256=true')).find(
      (m) => m.attachments.length > 0 && !m.isDraft,
    );
    if (!seeded) throw new Error('the scenario seeded no message with attachments');
    const { connection } = kit.connection();
    const source = new GraphMailSource(connection);
    const adapter = new GraphMailTarget(connection);
    const key = nextKey();
    const written = await adapter.write(
      target,
      {
        key,
        placement: placement(['Ferry', 'Round trip'], { extraLabels: ['Projects/Ferry', 'Ünïcode'] }),
        receivedAt: Date.parse(seeded.receivedDateTime),
        size: 0,
        openMime: (s) => source.openMime(sourceBox, seeded.id, s),
      },
      signal(),
    );
    expect(written.contentHash).toBe(seeded.sha256);
    const copy = await inspectMessage(target, written.targetId);
    expect(copy).toMatchObject({
      folderPath: 'Ferry/Round trip',
      subject: seeded.subject,
      internetMessageId: seeded.internetMessageId,
      receivedDateTime: seeded.receivedDateTime,
      isDraft: false,
      isRead: true,
      flag: { flagStatus: 'flagged' },
      importance: 'high',
      categories: ['Projects/Ferry', 'Ünïcode'],
    });
    expect(copy.attachments.map((a) => [a.name, a.size, a.sha256])).toEqual(
      seeded.attachments.map((a) => [a.name, a.size, a.sha256]),
    );
    expect(prop(copy, 'String 0x7d')).toContain(`Message-ID: ${seeded.internetMessageId}`);
    expect(prop(copy, 'Integer 0x1081')).toBe('102');
    expect(Date.parse(prop(copy, 'SystemTime 0x39') ?? '')).toBeLessThanOrEqual(
      Date.parse(seeded.receivedDateTime),
    );
    expect(await adapter.find(target, key, signal())).toBe(written.targetId);
  });

  it('streams a 20 MB attachment through an upload session, holding one range at a time', async () => {
    const chunkBytes = 2 * MiB;
    let uploaded = 0;
    let largestPut = 0;
    let createBody = 0;
    let maxGap = 0;
    const message = composed({
      subject: 'Quarterly figures',
      html: '<p>Figures <b>attached</b></p>',
      small: 10_000,
      big: 20 * MiB,
    });
    const counting: StreamingTransport = async (req) => {
      const length = Buffer.isBuffer(req.body) ? req.body.length : 0;
      if (req.method === 'POST' && /\/messages$/.test(new URL(String(req.url)).pathname)) createBody = length;
      const res = await kit.transport(req);
      if (req.method === 'PUT') {
        uploaded += length;
        largestPut = Math.max(largestPut, length);
      }
      return res;
    };
    const { connection, governor } = kit.connection({ transport: counting });
    const adapter = new GraphMailTarget(connection, { uploadChunkBytes: chunkBytes });
    const sampler = setInterval(() => {
      const second = message.reads[1];
      if (second) maxGap = Math.max(maxGap, second.pulled - uploaded);
    }, 2);
    const key = nextKey();
    let written;
    try {
      written = await adapter.write(
        target,
        toWrite(message.open, { key, placement: placement(['Ferry spec', 'Large']) }),
        signal(),
      );
    } finally {
      clearInterval(sampler);
    }
    const expected = await sha256Of(new Generated(20 * MiB, 'big'));
    const copy = await inspectMessage(target, written.targetId);
    const big = copy.attachments.find((a) => a.name === 'big.bin');
    expect(big).toMatchObject({ size: 20 * MiB, sha256: expected });
    expect(copy.attachments.find((a) => a.name === 'small.bin')).toMatchObject({
      size: 10_000,
      sha256: createHash('sha256').update(Buffer.alloc(10_000, 7)).digest('hex'),
    });
    expect(copy.isDraft).toBe(false);
    // Two reads of the source: the first counted the big attachment, the second streamed it.
    expect(message.reads).toHaveLength(2);
    expect(createBody).toBeLessThan(MiB);
    expect(uploaded).toBe(20 * MiB);
    expect(largestPut).toBeLessThanOrEqual(chunkBytes);
    expect(maxGap).toBeLessThan(chunkBytes + 6 * MiB);
    expect(written.bytes).toBeGreaterThan(20 * MiB);
    expect(await adapter.find(target, key, signal())).toBe(written.targetId);
    // Every request went through the governor, charged to this mailbox, uploads with their bytes.
    expect(
      governor.acquired.every(
        (a) =>
          a.scope.vendor === 'graph' &&
          a.scope.mailboxKey === target.pseudonym &&
          a.scope.tenantKey === target.tenantKey,
      ),
    ).toBe(true);
    expect(
      governor.acquired
        .filter((a) => (a.cost.uploadBytes ?? 0) > 0)
        .reduce((n, a) => n + (a.cost.uploadBytes ?? 0), 0),
    ).toBeGreaterThan(20 * MiB);
  });

  it('finds no copy after a crash between create and completion, removing the partial one; finds the complete one after', async () => {
    const { connection } = kit.connection();
    const adapter = new GraphMailTarget(connection, { uploadChunkBytes: MiB });
    const message = composed({ subject: 'Half made', big: 4 * MiB });
    const key = nextKey();
    await kit.inspect('/faults', {
      method: 'POST',
      body: { operation: 'graph.attachments.uploadSession.put', effect: { kind: 'status', status: 500 } },
    });
    const crashed = await failure(adapter.write(target, toWrite(message.open, { key }), signal()));
    expect(crashed.name).toBe('ProviderError');
    const partial = await byKey(target, key);
    expect(partial).toHaveLength(1);
    expect(
      partial[0]?.extendedProperties.some((p) => p.value === '1' && p.id.includes('Name FerryComplete')),
    ).toBe(false);

    expect(await adapter.find(target, key, signal())).toBeNull();
    expect(await byKey(target, key)).toHaveLength(0);

    await kit.inspect('/faults', { method: 'DELETE' });
    const written = await adapter.write(target, toWrite(message.open, { key }), signal());
    expect(await adapter.find(target, key, signal())).toBe(written.targetId);
    expect(await adapter.find(target, key, signal())).toBe(written.targetId);
    expect(await byKey(target, key)).toHaveLength(1);
  });

  it('prepares nested and non-ASCII folders idempotently, finds folders that exist, and reuses seeded ids', async () => {
    const placements = [
      placement(['Projets 2025', 'été', '日本語']),
      placement(['Projets 2025', 'été', 'Ωmega']),
      placement(['Clients', 'Ünïcödé'], { role: 'inbox' }),
      placement([], { role: 'archive' }),
      // Seeded at the root of every sandbox mailbox: Graph answers 409 and the folder is looked up.
      placement(['A&B <test>']),
      placement(['Projets/été']),
    ];
    const { connection, governor } = kit.connection();
    const first = new GraphMailTarget(connection);
    await first.prepare(target, placements, signal());
    const folders = async () =>
      (
        await kit.inspect<{ folders: { path: string; id: string }[] }>(
          `/microsoft/mail/${encodeURIComponent(target.address)}/folders`,
        )
      ).folders;
    const after = await folders();
    for (const path of [
      'Projets 2025/été/日本語',
      'Projets 2025/été/Ωmega',
      'Inbox/Clients/Ünïcödé',
      'A&B <test>',
      'Projets/été',
    ]) {
      expect(after.filter((f) => f.path === path)).toHaveLength(1);
    }
    const known = first.folders.known(target);
    expect(known.get(GraphTargetFolders.keyOf(null, ['Projets 2025', 'été', '日本語']))).toBe(
      after.find((f) => f.path === 'Projets 2025/été/日本語')?.id,
    );

    // Another worker with an empty cache: same folders, nothing new made.
    const second = new GraphMailTarget(kit.connection().connection);
    await second.prepare(target, placements, signal());
    expect(await folders()).toHaveLength(after.length);
    expect(second.folders.known(target)).toEqual(known);

    // A worker seeded with the persisted ids makes no request at all.
    const seeded = new GraphMailTarget(connection);
    seeded.folders.seed(target, known);
    const before = governor.acquired.length;
    await seeded.prepare(target, placements, signal());
    expect(governor.acquired.length).toBe(before);
  });

  it('updates read, flag, importance and categories, moves the copy keeping its id, and removes it to Deleted Items', async () => {
    const { connection } = kit.connection();
    const adapter = new GraphMailTarget(connection);
    const written = await adapter.write(
      target,
      toWrite(composed({ subject: 'To be updated' }).open),
      signal(),
    );
    await adapter.update(
      target,
      {
        targetId: written.targetId,
        placement: placement(['Ferry spec', 'Moved'], {
          extraLabels: ['Later'],
          state: { read: false, flagged: false, answered: false, draft: false, importance: 'low' },
        }),
      },
      signal(),
    );
    expect(await inspectMessage(target, written.targetId)).toMatchObject({
      folderPath: 'Ferry spec/Moved',
      isRead: false,
      flag: { flagStatus: 'notFlagged' },
      importance: 'low',
      categories: ['Later'],
    });
    await adapter.remove(target, written.targetId, signal());
    expect((await inspectMessage(target, written.targetId)).folderPath).toBe('Deleted Items');
    await kit.inspect(
      `/microsoft/mail/${encodeURIComponent(target.address)}/messages/${encodeURIComponent(written.targetId)}`,
      { method: 'DELETE' },
    );
    await expect(adapter.remove(target, written.targetId, signal())).resolves.toBeUndefined();
    const gone = await failure(
      adapter.update(target, { targetId: written.targetId, placement: placement(['Ferry spec']) }, signal()),
    );
    expect(gone).toBeInstanceOf(ItemRejectedError);
  });

  it('honours a 503 with Retry-After through governedCall, and renews a token Graph refuses', async () => {
    await kit.inspect('/faults', {
      method: 'POST',
      body: {
        operation: 'graph.mailFolders.childFolders.create',
        effect: { kind: 'status', status: 503, retryAfterS: 2 },
        times: 1,
      },
    });
    const base = kit.connection();
    let refused = 0;
    let invalidated = 0;
    // The first token handed out is one Graph will refuse (401): the adapter must drop it and ask again.
    const access: AccessProvider = {
      token: async (mailbox, scopes, s) =>
        refused++ === 0
          ? { token: 'not-a-valid-token', expiresAt: Date.now() + 60_000 }
          : base.connection.access.token(mailbox, scopes, s),
      imapLogin: (mailbox, s) => base.connection.access.imapLogin(mailbox, s),
      invalidate: (mailbox) => {
        invalidated++;
        base.connection.access.invalidate(mailbox);
      },
    };
    const { connection, governor } = kit.connection({ access });
    await new GraphMailTarget(connection).prepare(target, [placement(['Throttled once'])], signal());
    expect(invalidated).toBe(1);
    expect(governor.outcomes).toContainEqual({ kind: 'throttled', retryAfterMs: 2000 });
    expect(governor.outcomes.at(-1)).toEqual({ kind: 'ok' });
    const folders = (
      await kit.inspect<{ folders: { path: string }[] }>(
        `/microsoft/mail/${encodeURIComponent(target.address)}/folders`,
      )
    ).folders;
    expect(folders.filter((f) => f.path === 'Throttled once')).toHaveLength(1);
  });

  it('refuses corrupt MIME, oversized bodies and attachments per item, quoting no address, subject or token', async () => {
    const { connection, governor } = kit.connection();
    // Graph's 150 MB, scaled down so the spec does not stream 150 MB twice through the parser.
    const adapter = new GraphMailTarget(connection, { maxAttachmentBytes: 6 * MiB });
    const token = (await connection.access.token(target, [], signal())).token;
    const refused = (by: GraphMailTarget, open: () => Readable) =>
      failure(by.write(target, toWrite(open), signal()));
    const secret = (over: { text?: string; big?: number }) =>
      composed({ subject: 'Secret subject line', ...over }).open;
    const before = governor.acquired.length;
    const corrupt = await refused(adapter, () =>
      Readable.from([Buffer.from('\u0000\u0001 not a message at all')]),
    );
    expect(corrupt).toMatchObject({ name: 'ItemRejectedError', reason: 'corrupt' });
    const longBody = await refused(
      new GraphMailTarget(connection, { maxTextBytes: MiB / 2 }),
      secret({ text: 'x'.repeat(5 * MiB) }),
    );
    expect(longBody).toMatchObject({ reason: 'too-large' });
    const bodyOver4 = await refused(adapter, secret({ text: 'y'.repeat(4.5 * MiB) }));
    expect(bodyOver4).toMatchObject({ reason: 'too-large' });
    const hugeAttachment = await refused(adapter, secret({ big: 6 * MiB + 1 }));
    expect(hugeAttachment).toMatchObject({ reason: 'too-large' });
    // Refused before anything was sent.
    expect(governor.acquired.length).toBe(before);
    // A create Graph refuses for good (here a 400 put in place of the sandbox's answer) fails the item.
    const refusing: StreamingTransport = async (req) =>
      req.method === 'POST' && /\/messages$/.test(new URL(String(req.url)).pathname)
        ? {
            status: 400,
            headers: new Headers({ 'content-type': 'application/json' }),
            body: Readable.from([
              Buffer.from(
                '{"error":{"code":"ErrorInvalidRecipients","message":"bo.receiver@contoso.example"}}',
              ),
            ]),
          }
        : kit.transport(req);
    const refusedCopy = await refused(
      new GraphMailTarget(kit.connection({ transport: refusing }).connection),
      secret({}),
    );
    expect(refusedCopy).toMatchObject({
      name: 'ItemRejectedError',
      reason: 'refused-by-target',
      message: 'refused-by-target: Microsoft Graph refused the copy: 400 (ErrorInvalidRecipients)',
    });
    for (const err of [corrupt, longBody, bodyOver4, hugeAttachment, refusedCopy]) {
      expect(err.message).not.toContain('Secret subject');
      expect(err.message).not.toContain('@');
      expect(err.message).not.toContain(token);
    }
  });
});
