import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { MailAdapters, MailboxRef } from '@ferry/migration/application';
import { idempotencyKey } from '@ferry/migration/domain';
import {
  type GmailSandbox,
  type SandboxGmailMessage,
  startGmailSandbox,
} from '../testing/gmail-sandbox.fixture';
import { type GraphMailKit, type InspectedMessage, startGraphMailKit } from '../testing/graph-mail.fixture';
import { MailEngineFixture } from '../testing/mail-engine.fixture';
import { GmailSource } from './gmail/gmail.source.adapter';
import { GmailTarget } from './gmail/gmail.target.adapter';
import { GraphMailSource } from './graph/graph-mail.source.adapter';

jest.setTimeout(120_000);

const signal = () => new AbortController().signal;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function read(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/**
 * Where a message of each source folder must land (its Graph path as the inspection API shows it): the
 * Gmail system labels and the one user label, nesting joined with `/`, a `/` inside a folder name made
 * U+2215 so it does not nest.
 */
const LANDS: Record<string, { readonly system: readonly string[]; readonly label: string | null }> = {
  Inbox: { system: ['INBOX'], label: null },
  'Inbox/Projets/été': { system: [], label: 'Projets/été' },
  'Projets/été': { system: [], label: 'Projets\u2215été' },
  日本語: { system: [], label: '日本語' },
  'A&B <test>': { system: [], label: 'A&B <test>' },
  'Inbox/Folder 1/Level 2/Level 3': { system: [], label: 'Folder 1/Level 2/Level 3' },
  'Sent Items': { system: ['SENT'], label: null },
};

/** The messages added to the source before the first pass: folder path, subject, received time, state. */
const ADDED: readonly (readonly [string, string, string, readonly ('read' | 'flagged')[]])[] = [
  ['inbox', 'Read in the inbox', '2024-01-15T08:00:00Z', ['read']],
  ['inbox', 'Unread and flagged', '2024-02-16T09:10:11Z', ['flagged']],
  ['Inbox/Projets/été', 'Nested été', '2023-03-17T10:00:00Z', ['read']],
  ['Projets/été', 'A slash in the folder name', '2023-04-18T11:00:00Z', []],
  ['日本語', '日本語のメール', '2022-05-19T12:00:00Z', ['read', 'flagged']],
  ['Inbox/Folder 1/Level 2/Level 3', 'Three levels down', '2022-06-20T13:00:00Z', []],
  ['sentitems', 'Sent by the owner', '2022-07-21T14:00:00Z', ['read']],
];

/** One seeded message with attachments, in a folder tree that is nested three levels below the Inbox. */
const SCENARIO = {
  messagesPerUser: 1,
  attachmentRate: 1,
  attachmentSizes: [3000, 70_000],
  extraFolders: 1,
  folderDepth: 3,
};

describe('Exchange Online (Graph) to Gmail through the engine', () => {
  let graph: GraphMailKit;
  let gmail: GmailSandbox;
  let sourceBox: MailboxRef;
  let targetBox: MailboxRef;
  let source: GraphMailSource;
  let engine: MailEngineFixture;
  const base = () => `/microsoft/mail/${encodeURIComponent(sourceBox.address)}`;

  const sourceMessages = async () =>
    (await graph.inspect<{ value: InspectedMessage[] }>(`${base()}/messages?limit=5000&sha256=true`)).value;
  const targetMessages = async () =>
    (await gmail.gmail<{ messages: SandboxGmailMessage[] }>(targetBox.address, '/messages?sha256=true'))
      .messages;
  const labelNames = async () =>
    new Map(
      (
        await gmail.gmail<{ labels: { id: string; name: string }[] }>(targetBox.address, '/labels')
      ).labels.map((l) => [l.id, l.name] as const),
    );
  const requests = async (operation: string) =>
    (await gmail.control<{ operations: Record<string, { requests: number } | undefined> }>('/stats'))
      .operations[operation]?.requests ?? 0;
  const add = (body: { folder: string; subject: string; receivedDateTime: string; isRead: boolean }) =>
    graph.inspect<InspectedMessage>(`${base()}/messages`, {
      method: 'POST',
      body: { ...body, body: `Body of ${body.subject}.` },
    });
  const change = (id: string, body: Record<string, unknown>, suffix = '', method = 'PATCH') =>
    graph.inspect(`${base()}/messages/${encodeURIComponent(id)}${suffix}`, { method, body });

  /**
   * Every source message has exactly one copy, and nothing else is in the target: found by its
   * Message-ID, in the labels of its folder with its state, dated by its original date, carrying the
   * source MIME byte for byte behind Ferry's key header.
   */
  async function expectMirrored(
    trashed: readonly InspectedMessage[] = [],
  ): Promise<Map<string, SandboxGmailMessage>> {
    const [messages, copies, names] = await Promise.all([sourceMessages(), targetMessages(), labelNames()]);
    expect(copies).toHaveLength(messages.length + trashed.length);
    const byMessageId = new Map<string, SandboxGmailMessage[]>();
    for (const c of copies) byMessageId.set(c.messageId, [...(byMessageId.get(c.messageId) ?? []), c]);
    const copyOf = new Map<string, SandboxGmailMessage>();
    for (const m of messages) {
      const found = byMessageId.get(m.internetMessageId) ?? [];
      expect({ subject: m.subject, copies: found.length }).toEqual({ subject: m.subject, copies: 1 });
      const copy = found[0] as SandboxGmailMessage;
      copyOf.set(m.id, copy);
      const lands = LANDS[m.folderPath];
      if (!lands) throw new Error(`no expectation for a message in ${m.folderPath}`);
      const expected = [
        ...lands.system,
        ...(m.isRead ? [] : ['UNREAD']),
        ...(m.flag.flagStatus === 'flagged' ? ['STARRED'] : []),
        ...(m.importance === 'high' ? ['IMPORTANT'] : []),
      ];
      const labels = copy.labelIds.map((id) => names.get(id) ?? id);
      expect({ subject: m.subject, labels: [...labels].sort() }).toEqual({
        subject: m.subject,
        labels: [...expected, ...(lands.label ? [lands.label] : [])].sort(),
      });
      expect(copy.subject).toBe(m.subject);
      expect(copy.internalDate).toBe(Date.parse(m.receivedDateTime));
      const mime = await read(await source.openMime(sourceBox, m.id, signal()));
      expect(sha256(mime)).toBe(m.sha256);
      const key = idempotencyKey('p1', 'm1', m.id);
      expect(copy.sha256).toBe(sha256(Buffer.concat([Buffer.from(`X-Ferry-Item: ${key}\r\n`), mime])));
    }
    for (const gone of trashed) {
      const found = byMessageId.get(gone.internetMessageId) ?? [];
      expect(found).toHaveLength(1);
      expect(found[0]?.labelIds).toContain('TRASH');
    }
    return copyOf;
  }

  beforeAll(async () => {
    graph = await startGraphMailKit(SCENARIO, 1);
    gmail = await startGmailSandbox({ messagesPerUser: 0 }, 1);
    sourceBox = graph.mailbox(0);
    targetBox = gmail.mailbox(0);
    source = new GraphMailSource(graph.connection().connection, { pageSize: 3, deltaPageSize: 4 });
    const target = new GmailTarget(gmail.connect().connection);
    const adapters: MailAdapters = { source: () => source, target: () => target };
    engine = new MailEngineFixture(adapters, sourceBox, targetBox);
  });

  afterAll(async () => {
    await gmail?.close();
    await graph?.close();
  });

  it('carries nested and oddly named folders, read, flag, dates and attachments, once, through a crash and a replay', async () => {
    const folders = (await graph.inspect<{ folders: { id: string; path: string }[] }>(`${base()}/folders`))
      .folders;
    const folder = (path: string) => folders.find((f) => f.path === path)?.id ?? '';
    const [seeded] = await sourceMessages();
    if (!seeded || seeded.attachments.length === 0)
      throw new Error('the scenario seeded no message with attachments');
    await change(seeded.id, { folder: folder('A&B <test>') }, '/move', 'POST');
    for (const [path, subject, received, state] of ADDED) {
      const added = await add({
        folder: folder(path) || path,
        subject,
        receivedDateTime: received,
        isRead: state.includes('read'),
      });
      if (state.includes('flagged')) await change(added.id, { flag: { flagStatus: 'flagged' } });
    }
    const total = (await sourceMessages()).length;
    expect(total).toBe(ADDED.length + 1);

    await engine.start('pass1', 'full', 'mirror');
    // The second batch's copies land, then its worker dies before recording them; the queue delivers it again.
    await engine.drain((index) => (index === 1 ? 'crash-before-references' : 'normal'));
    expect(engine.finished('pass1')).toBe(true);
    const counts = engine.counts('pass1');
    expect(counts).toMatchObject({ found: total, migrated: total, skipped: 0, failed: 0 });
    expect(counts.found).toBe(counts.migrated + counts.skipped + counts.failed);
    const copies = await expectMirrored();
    // Each message was imported once: the redelivered batch found the copies its crashed delivery made.
    expect(await requests('gmail.users.messages.import')).toBe(total);

    // The attachments arrived as the source has them, byte for byte.
    const withAttachments = (await sourceMessages()).find((m) => m.id === seeded.id);
    const copy = copies.get(seeded.id);
    if (!copy || !withAttachments) throw new Error('the seeded message was not copied');
    const raw = await read(
      await new GmailSource(gmail.connect().connection).openMime(targetBox, copy.id, signal()),
    );
    const parsed = await simpleParser(raw);
    expect(parsed.attachments.map((a) => [a.filename, a.size, sha256(a.content)])).toEqual(
      withAttachments.attachments.map((a) => [a.name, a.size, a.sha256]),
    );

    // A batch delivered again after it was recorded (its acknowledgement was lost) changes nothing.
    const first = engine.delivered[0];
    if (!first) throw new Error('no batch was delivered');
    await engine.deliverAgain(first);
    expect(await requests('gmail.users.messages.import')).toBe(total);
    expect(engine.counts('pass1')).toMatchObject({ found: total, migrated: total, skipped: 0, failed: 0 });
    expect(await targetMessages()).toHaveLength(total);
  });

  it('carries only what changed in a delta pass: a new message, a read, a flag, a move and a mirrored deletion', async () => {
    const before = new Map((await sourceMessages()).map((m) => [m.subject, m] as const));
    const message = (subject: string) => {
      const m = before.get(subject);
      if (!m) throw new Error(`no source message '${subject}'`);
      return m;
    };
    await add({
      folder: 'Inbox/Projets/été',
      subject: 'Arrived between passes',
      receivedDateTime: '2025-01-02T03:04:05Z',
      isRead: false,
    });
    await change(message('Unread and flagged').id, { isRead: true });
    await change(message('Nested été').id, { flag: { flagStatus: 'flagged' } });
    await change(message('Read in the inbox').id, { folder: '日本語' }, '/move', 'POST');
    const deleted = message('A slash in the folder name');
    await graph.inspect(`${base()}/messages/${encodeURIComponent(deleted.id)}`, { method: 'DELETE' });
    const imports = await requests('gmail.users.messages.import');
    const modifies = await requests('gmail.users.messages.modify');

    await engine.start('pass2', 'delta', 'mirror');
    await engine.drain();
    expect(engine.finished('pass2')).toBe(true);
    // One change per message: the moved one is reported by the folder it went to, not again as gone from the other.
    expect(engine.counts('pass2')).toMatchObject({ found: 5, migrated: 5, skipped: 0, failed: 0 });
    await expectMirrored([deleted]);
    expect(await requests('gmail.users.messages.import')).toBe(imports + 1);
    // Read, flag and move: one label change each; the untouched messages were left alone.
    expect(await requests('gmail.users.messages.modify')).toBe(modifies + 3);
    expect(await requests('gmail.users.messages.trash')).toBe(1);
  });
});
