import type { SourceItemSummary } from '@ferry/migration/domain';
import { RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { ImapMailSource } from './imap.source.adapter';
import {
  appendMessages,
  type DovecotMailboxes,
  rfc822,
  startDovecotMailboxes,
} from './testing/dovecot-mailbox.fixture';

const ADDRESS = 'folders.owner@example.test';
const mailbox = testMailbox('imap', ADDRESS);
// Dovecot, TLS and a loaded CI machine: seconds, not the default 5.
jest.setTimeout(60_000);
const signal = () => AbortSignal.timeout(60_000);

let dovecot: DovecotMailboxes;
let governor: RecordingGovernor;
let source: ImapMailSource;

const day = (iso: string) => new Date(`${iso}T08:30:00Z`);
/** Path -> messages, each with its flags and INTERNALDATE. */
const SEEDED: Record<string, { subject: string; flags: string[]; date: Date }[]> = {
  INBOX: [
    { subject: 'unread', flags: [], date: day('2019-01-02') },
    { subject: 'read and flagged', flags: ['\\Seen', '\\Flagged'], date: day('2019-02-03') },
    { subject: 'answered', flags: ['\\Seen', '\\Answered', '$Forwarded'], date: day('2019-03-04') },
  ],
  Sent: [{ subject: 'sent', flags: ['\\Seen'], date: day('2020-01-01') }],
  Drafts: [{ subject: 'draft', flags: ['\\Draft'], date: day('2020-02-02') }],
  Junk: [{ subject: 'spam', flags: [], date: day('2020-03-03') }],
  Trash: [{ subject: 'deleted', flags: ['\\Seen'], date: day('2020-04-04') }],
  Archive: [{ subject: 'archived', flags: ['\\Seen'], date: day('2018-12-31') }],
  // The parent is never created: Dovecot lists it \NonExistent \Noselect.
  'Projects/Ferry/Über': [
    { subject: 'nested 1', flags: [], date: day('2021-05-05') },
    { subject: 'nested 2', flags: ['\\Flagged'], date: day('2021-05-06') },
  ],
  Проекты: [{ subject: 'cyrillic', flags: [], date: day('2021-06-06') }],
  'Mail 📬 & more': [{ subject: 'emoji', flags: [], date: day('2021-07-07') }],
  Empty: [],
};

beforeAll(async () => {
  dovecot = await startDovecotMailboxes([{ address: ADDRESS, password: 'folders-pass-1' }]);
  await dovecot.as(ADDRESS, async (session) => {
    for (const [path, messages] of Object.entries(SEEDED)) {
      await appendMessages(
        session,
        path,
        messages.map((m) => ({ raw: rfc822(m.subject), flags: m.flags, date: m.date })),
      );
    }
  });
});
afterAll(() => dovecot?.stop());

beforeEach(() => {
  governor = new RecordingGovernor();
  source = new ImapMailSource({
    access: new SandboxAccess(undefined, new Map([[ADDRESS, dovecot.login(ADDRESS)]])),
    governor,
    policy: dovecot.policy,
    pageSize: 2,
  });
});
afterEach(() => source.close());

async function enumerateAll(): Promise<{ items: SourceItemSummary[]; pages: number }> {
  const items: SourceItemSummary[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await source.enumerate(mailbox, token, signal());
    expect(page.items.length).toBeLessThanOrEqual(2);
    items.push(...page.items);
    token = page.next;
    pages++;
  } while (token !== undefined && pages < 100);
  return { items, pages };
}

describe('imap source folders', () => {
  it('lists the folder tree by the hierarchy delimiter, with special-use roles, non-ASCII names and no \\Noselect parent', async () => {
    const folders = await source.listFolders(mailbox, signal());
    const byPath = Object.fromEntries(folders.map((f) => [f.path.join(' > '), f.role]));
    expect(byPath).toEqual({
      INBOX: 'inbox',
      Sent: 'sent',
      Drafts: 'drafts',
      Junk: 'junk',
      Trash: 'deleted',
      Archive: 'archive',
      'Projects > Ferry > Über': null,
      Проекты: null,
      'Mail 📬 & more': null,
      Empty: null,
    });
    expect(new Set(folders.map((f) => f.id)).size).toBe(folders.length);
    expect(folders.map((f) => f.id).join(' ')).not.toMatch(/INBOX|Projects|Sent/);
    expect(governor.acquired.length).toBeGreaterThan(0);
    expect(
      governor.acquired.every(
        ({ scope }) =>
          scope.vendor === 'imap' &&
          scope.tenantKey === mailbox.tenantKey &&
          scope.mailboxKey === mailbox.pseudonym,
      ),
    ).toBe(true);
  });

  it('gives stable folder ids across listings and workers', async () => {
    const first = await source.listFolders(mailbox, signal());
    const other = new ImapMailSource({
      access: new SandboxAccess(undefined, new Map([[ADDRESS, dovecot.login(ADDRESS)]])),
      governor,
      policy: dovecot.policy,
    });
    try {
      expect(await other.listFolders(mailbox, signal())).toEqual(first);
    } finally {
      await other.close();
    }
  });
});

describe('imap source enumerate', () => {
  it('pages through every message of every folder once, with its folder, flags as state, size and INTERNALDATE', async () => {
    const folders = await source.listFolders(mailbox, signal());
    const pathOf = new Map(folders.map((f) => [f.id, f.path.join('/')]));
    const { items, pages } = await enumerateAll();
    const total = Object.values(SEEDED).reduce((n, list) => n + list.length, 0);
    expect(items).toHaveLength(total);
    expect(pages).toBeGreaterThanOrEqual(total / 2);
    expect(new Set(items.map((i) => i.sourceId)).size).toBe(total);
    const seen = items.map((item) => {
      const [folderId] = item.folderIds;
      expect(item.sourceId.startsWith(`${folderId}/`)).toBe(true);
      expect(item.size).toBeGreaterThan(100);
      expect(item.changeStamp).toMatch(/^\d+$/);
      return { path: pathOf.get(folderId ?? ''), state: item.state, receivedAt: item.receivedAt };
    });
    for (const [path, messages] of Object.entries(SEEDED)) {
      const expected = messages.map((m) => ({
        path,
        state: {
          read: m.flags.includes('\\Seen'),
          flagged: m.flags.includes('\\Flagged'),
          answered: m.flags.includes('\\Answered'),
          draft: m.flags.includes('\\Draft'),
          importance: 'normal',
        },
        receivedAt: m.date.getTime(),
      }));
      expect(seen.filter((s) => s.path === path)).toEqual(expected);
    }
  });

  it('costs three commands per folder slice, whatever the folder size', async () => {
    const big = new ImapMailSource({
      access: new SandboxAccess(undefined, new Map([[ADDRESS, dovecot.login(ADDRESS)]])),
      governor,
      policy: dovecot.policy,
      pageSize: 500,
    });
    try {
      const page = await big.enumerate(mailbox, undefined, signal());
      expect(page.next).toBeUndefined();
      expect(page.items).toHaveLength(Object.values(SEEDED).reduce((n, list) => n + list.length, 0));
      // One LIST, then EXAMINE + SEARCH + FETCH per folder.
      expect(governor.acquired.map((a) => a.cost.requests)).toEqual([1, ...Object.keys(SEEDED).map(() => 3)]);
      expect(governor.outcomes.every((o) => o.kind === 'ok')).toBe(true);
    } finally {
      await big.close();
    }
  });

  it('refuses a page token it did not write', async () => {
    await expect(source.enumerate(mailbox, 'history:42', signal())).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });
});
