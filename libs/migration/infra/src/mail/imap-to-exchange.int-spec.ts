import type { ImapFlow } from 'imapflow';
import type { MailAdapters, MailboxRef } from '@ferry/migration/application';
import { RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { type GraphMailKit, type InspectedMessage, startGraphMailKit } from '../testing/graph-mail.fixture';
import { MailEngineFixture } from '../testing/mail-engine.fixture';
import { GraphMailTarget } from './graph/graph-mail.target.adapter';
import {
  MSGFLAG_READ,
  MSGFLAG_UNSENT,
  PID_CLIENT_SUBMIT_TIME,
  PID_LAST_VERB,
  PID_MESSAGE_FLAGS,
  propertyValue,
  VERB_REPLY,
} from './graph/graph-properties';
import {
  appendMessages,
  type DovecotMailboxes,
  startDovecotMailboxes,
} from './imap/testing/dovecot-mailbox.fixture';
import { ImapMailSource } from './imap/imap.source.adapter';

jest.setTimeout(120_000);

const SOURCE = 'rui.costa@imap.example';
const signal = () => new AbortController().signal;

/** One seeded IMAP message: its folder, flags, Date header (sent) and INTERNALDATE (received later). */
interface Seed {
  readonly folder: string;
  readonly subject: string;
  flags: string[];
  readonly sent: Date;
  readonly received: Date;
  uid?: number;
}

/** Where each IMAP folder must land in Exchange, by the path of display names the inspection API shows. */
const LANDS: Record<string, string> = {
  INBOX: 'Inbox',
  'INBOX/Clients': 'Inbox/Clients',
  Projects: 'Projects',
  'Projects/Ferry': 'Projects/Ferry',
  'Проекты & Co': 'Проекты & Co',
  Sent: 'Sent Items',
  Drafts: 'Drafts',
};

function seed(folder: string, subject: string, flags: string[], sent: string): Seed {
  const at = new Date(sent);
  return { folder, subject, flags, sent: at, received: new Date(at.getTime() + 47 * 60_000) };
}

const messageId = (s: Seed) => `<${Buffer.from(s.subject).toString('hex').slice(0, 40)}@imap.example>`;

function rfc822(s: Seed): string {
  return [
    'From: Ana Lima <ana.lima@partner.example>',
    `To: Rui Costa <${SOURCE}>`,
    `Subject: =?utf-8?B?${Buffer.from(s.subject).toString('base64')}?=`,
    `Date: ${s.sent.toUTCString()}`,
    `Message-ID: ${messageId(s)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Body of ${s.subject}.`,
    '',
  ].join('\r\n');
}

describe('IMAP to Exchange Online (Graph) through the engine', () => {
  let dovecot: DovecotMailboxes;
  let graph: GraphMailKit;
  let targetBox: MailboxRef;
  let target: GraphMailTarget;
  let source: ImapMailSource;
  let engine: MailEngineFixture;
  const seeds: Seed[] = [
    seed('INBOX', 'Unread plain', [], '2024-01-10T08:00:00Z'),
    seed('INBOX', 'Read and answered', ['\\Seen', '\\Answered'], '2024-01-11T09:30:00Z'),
    seed('INBOX', 'Read and flagged', ['\\Seen', '\\Flagged'], '2024-01-12T10:45:00Z'),
    seed('INBOX/Clients', 'Below the inbox', ['\\Seen'], '2023-11-05T07:00:00Z'),
    seed('Projects', 'Project kickoff', ['\\Seen'], '2023-06-01T12:00:00Z'),
    seed('Projects/Ferry', 'Ferry notes', [], '2023-06-02T13:00:00Z'),
    seed('Проекты & Co', 'Кириллица и флажок', ['\\Flagged'], '2022-12-24T18:00:00Z'),
    seed('Sent', 'Sent by Rui', ['\\Seen'], '2024-02-01T16:20:00Z'),
    seed('Drafts', 'Unfinished draft', ['\\Draft', '\\Seen'], '2024-02-02T17:00:00Z'),
  ];
  const base = () => `/microsoft/mail/${encodeURIComponent(targetBox.address)}`;
  const copies = async () =>
    (await graph.inspect<{ value: InspectedMessage[] }>(`${base()}/messages?limit=5000`)).value;
  const creates = async () =>
    (await graph.inspect<{ operations: Record<string, { requests: number } | undefined> }>('/stats'))
      .operations['graph.mailFolders.messages.create']?.requests ?? 0;
  const withFlags = (folder: string, work: (session: ImapFlow) => Promise<unknown>) =>
    dovecot.as(SOURCE, async (session) => {
      await session.mailboxOpen(folder);
      await work(session);
    });
  const bySubject = (subject: string): Seed => {
    const s = seeds.find((x) => x.subject === subject);
    if (!s) throw new Error(`no seed '${subject}'`);
    return s;
  };

  /**
   * Every source message has exactly one copy, in the folder of its IMAP folder, with its flags as
   * Exchange state and MAPI flags (received, not drafted, unless it was a draft), its INTERNALDATE as
   * received time and its Date header as sent time.
   */
  async function expectCarried(
    messages: readonly Seed[],
    deleted: readonly Seed[] = [],
    justCreated = false,
  ): Promise<void> {
    const landed = await copies();
    expect(landed).toHaveLength(messages.length + deleted.length);
    for (const s of [...messages, ...deleted]) {
      const found = landed.filter((m) => m.internetMessageId === messageId(s));
      expect({ subject: s.subject, copies: found.length }).toEqual({ subject: s.subject, copies: 1 });
      const copy = found[0] as InspectedMessage;
      const has = (flag: string) => s.flags.includes(flag);
      const folderPath = deleted.includes(s) ? 'Deleted Items' : LANDS[s.folder];
      expect(copy).toMatchObject({
        subject: s.subject,
        folderPath,
        isRead: has('\\Seen'),
        isDraft: has('\\Draft'),
        flag: { flagStatus: has('\\Flagged') ? 'flagged' : 'notFlagged' },
        receivedDateTime: s.received.toISOString().replace('.000Z', 'Z'),
      });
      const props = { singleValueExtendedProperties: copy.extendedProperties };
      const flags = Number(propertyValue(props, PID_MESSAGE_FLAGS));
      expect({ subject: s.subject, unsent: (flags & MSGFLAG_UNSENT) !== 0 }).toEqual({
        subject: s.subject,
        unsent: has('\\Draft'),
      });
      // The read bit is what the copy was created with; later reads change isRead, checked above.
      if (justCreated)
        expect({ subject: s.subject, read: (flags & MSGFLAG_READ) !== 0 }).toEqual({
          subject: s.subject,
          read: has('\\Seen'),
        });
      expect(propertyValue(props, PID_LAST_VERB)).toBe(has('\\Answered') ? String(VERB_REPLY) : undefined);
      expect(Date.parse(propertyValue(props, PID_CLIENT_SUBMIT_TIME) ?? '')).toBe(s.sent.getTime());
      const read = await target.api.json<{ sentDateTime?: string; body?: { content?: string } }>(
        targetBox,
        {
          method: 'GET',
          path: `${target.api.user(targetBox)}/messages/${encodeURIComponent(copy.id)}?$select=sentDateTime,body`,
        },
        signal(),
      );
      expect(Date.parse(read.body?.sentDateTime ?? '')).toBe(s.sent.getTime());
      expect(read.body?.body?.content).toContain(`Body of ${s.subject}.`);
    }
  }

  beforeAll(async () => {
    dovecot = await startDovecotMailboxes([{ address: SOURCE, password: 'imap-source-password-2' }]);
    graph = await startGraphMailKit({ messagesPerUser: 0 }, 1);
    targetBox = graph.mailbox(0);
    source = new ImapMailSource({
      access: new SandboxAccess(undefined, new Map([[SOURCE, dovecot.login(SOURCE)]])),
      governor: new RecordingGovernor(),
      policy: dovecot.policy,
      pageSize: 3,
    });
    target = new GraphMailTarget(graph.connection().connection);
    const adapters: MailAdapters = { source: () => source, target: () => target };
    engine = new MailEngineFixture(adapters, testMailbox('imap', SOURCE), targetBox);
  });

  afterAll(async () => {
    await source?.close();
    await graph?.close();
    await dovecot?.stop();
  });

  it('carries nested folders, \\Seen, \\Flagged, \\Answered, \\Draft and both dates into Exchange, once, through a crash and a replay', async () => {
    await dovecot.as(SOURCE, async (session) => {
      for (const s of seeds)
        [s.uid] = await appendMessages(session, s.folder, [
          { raw: rfc822(s), flags: s.flags, date: s.received },
        ]);
    });

    await engine.start('pass1', 'full', 'mirror');
    // The second batch's copies are made, then its worker dies before recording them; the queue delivers it again.
    await engine.drain((index) => (index === 1 ? 'crash-before-references' : 'normal'));
    expect(engine.finished('pass1')).toBe(true);
    const counts = engine.counts('pass1');
    expect(counts).toMatchObject({ found: seeds.length, migrated: seeds.length, skipped: 0, failed: 0 });
    expect(counts.found).toBe(counts.migrated + counts.skipped + counts.failed);
    await expectCarried(seeds, [], true);
    // One create per message: the redelivered batch found the copies its crashed delivery made.
    expect(await creates()).toBe(seeds.length);

    // A batch delivered again after it was recorded (its acknowledgement was lost) changes nothing.
    const first = engine.delivered[0];
    if (!first) throw new Error('no batch was delivered');
    await engine.deliverAgain(first);
    expect(await creates()).toBe(seeds.length);
    expect(await copies()).toHaveLength(seeds.length);
  });

  it('carries only what changed in a delta pass: flags set and cleared, a new message, a mirrored expunge', async () => {
    const uid = (subject: string) => String(bySubject(subject).uid ?? 0);
    await withFlags('INBOX', async (s) => {
      await s.messageFlagsAdd(uid('Unread plain'), ['\\Seen'], { uid: true });
      await s.messageFlagsRemove(uid('Read and flagged'), ['\\Flagged'], { uid: true });
      await s.messageFlagsAdd(uid('Read and flagged'), ['\\Answered'], { uid: true });
    });
    await withFlags('Projects/Ferry', (s) =>
      s.messageFlagsAdd(uid('Ferry notes'), ['\\Flagged'], { uid: true }),
    );
    await withFlags('Projects', (s) => s.messageDelete(uid('Project kickoff'), { uid: true }));
    bySubject('Unread plain').flags.push('\\Seen');
    bySubject('Read and flagged').flags = ['\\Seen', '\\Answered'];
    bySubject('Ferry notes').flags.push('\\Flagged');
    const expunged = bySubject('Project kickoff');
    const added = seed('Projects/Ferry', 'Arrived between passes', ['\\Flagged'], '2025-03-03T03:03:00Z');
    await dovecot.as(SOURCE, async (session) => {
      [added.uid] = await appendMessages(session, added.folder, [
        { raw: rfc822(added), flags: added.flags, date: added.received },
      ]);
    });
    const before = await creates();

    await engine.start('pass2', 'delta', 'mirror');
    await engine.drain();
    expect(engine.finished('pass2')).toBe(true);
    expect(engine.counts('pass2')).toMatchObject({ found: 5, migrated: 5, skipped: 0, failed: 0 });
    expect(await creates()).toBe(before + 1);
    await expectCarried([...seeds.filter((s) => s !== expunged), added], [expunged]);
  });
});
