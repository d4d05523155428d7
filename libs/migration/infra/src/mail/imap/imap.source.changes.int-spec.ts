import type { ImapFlow } from 'imapflow';
import { CursorExpiredError } from '@ferry/migration/application';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { imapFolderId, imapSourceId } from './imap-ids';
import { ImapMailSource, type ImapSourceOptions } from './imap.source.adapter';
import {
  appendMessages,
  type DovecotMailboxes,
  rfc822,
  startDovecotMailboxes,
} from './testing/dovecot-mailbox.fixture';

const USERS = ['qresync', 'condstore', 'gaps', 'pages', 'epoch', 'deleted', 'renamed', 'plain'].map(
  (name) => ({
    address: `${name}.changes@example.test`,
    password: `${name}-changes-pass-1`,
  }),
);
// Dovecot, TLS and a loaded CI machine: seconds, not the default 5.
jest.setTimeout(60_000);
const signal = () => AbortSignal.timeout(60_000);

let dovecot: DovecotMailboxes;
let sources: ImapMailSource[] = [];

beforeAll(async () => {
  dovecot = await startDovecotMailboxes(USERS);
});
afterAll(() => dovecot?.stop());
afterEach(async () => {
  await Promise.all(sources.map((s) => s.close()));
  sources = [];
});

function sourceFor(address: string, options: Partial<ImapSourceOptions> = {}) {
  const governor = new RecordingGovernor();
  const source = new ImapMailSource({
    access: new SandboxAccess(undefined, new Map([[address, dovecot.login(address)]])),
    governor,
    policy: dovecot.policy,
    pageSize: 2,
    ...options,
  });
  sources.push(source);
  return { source, governor, mailbox: testMailbox('imap', address) };
}

/** INBOX a b c, Work d e; the source id of each by its letter. */
async function seed(address: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await dovecot.as(address, async (session) => {
    for (const [path, letters] of [
      ['INBOX', ['a', 'b', 'c']],
      ['Work', ['d', 'e']],
    ] as const) {
      const uids = await appendMessages(
        session,
        path,
        letters.map((l) => ({ raw: rfc822(`message ${l}`) })),
      );
      const status = await session.status(path, { uidValidity: true });
      letters.forEach((letter, i) =>
        ids.set(letter, idOf(path, String(status && status.uidValidity), uids[i] ?? 0)),
      );
    }
  });
  return ids;
}

const idOf = (path: string, uidValidity: string, uid: number) =>
  imapSourceId({ folderId: imapFolderId(path), uidValidity, uid });
const uidOf = (sourceId: string) => Number(sourceId.split('/')[2]);

/** Opens `path` read-write and runs `work`. */
function change(
  address: string,
  path: string,
  work: (session: ImapFlow) => Promise<unknown>,
): Promise<unknown> {
  return dovecot.as(address, async (session) => {
    await session.mailboxOpen(path);
    return work(session);
  });
}

/** Every page of changes since `cursor`. */
async function drain(source: ImapMailSource, mailbox: ReturnType<typeof testMailbox>, cursor: string) {
  const changed: SourceItemSummary[] = [];
  const removed: string[] = [];
  let token: string | undefined;
  for (let pages = 1; pages < 100; pages++) {
    const page = await source.changes(mailbox, cursor, token, signal());
    changed.push(...page.changed);
    removed.push(...page.removed);
    if (page.next === undefined) {
      if (page.cursor === undefined) throw new Error('last page without a cursor');
      return { changed, removed, cursor: page.cursor, pages };
    }
    token = page.next;
  }
  throw new Error('the change feed did not end');
}

/** Flags a read, flags e, appends f to INBOX, expunges c, and creates Fresh with g. */
async function mutate(address: string, ids: Map<string, string>): Promise<void> {
  const uid = (letter: string) => uidOf(ids.get(letter) ?? '');
  await change(address, 'INBOX', async (s) => {
    await s.messageFlagsAdd(uid('a'), ['\\Seen'], { uid: true });
    await s.messageDelete(uid('c'), { uid: true });
  });
  await change(address, 'Work', (s) => s.messageFlagsAdd(uid('e'), ['\\Flagged'], { uid: true }));
  await dovecot.as(address, async (s) => {
    const [f = 0] = await appendMessages(s, 'INBOX', [
      { raw: rfc822('message f'), flags: ['\\Answered'], date: new Date('2022-02-22T12:00:00Z') },
    ]);
    ids.set('f', idOf('INBOX', ids.get('a')?.split('/')[1] ?? '', f));
    const [g = 0] = await appendMessages(s, 'Fresh', [{ raw: rfc822('message g') }]);
    const fresh = await s.status('Fresh', { uidValidity: true });
    ids.set('g', idOf('Fresh', String(fresh && fresh.uidValidity), g));
  });
}

async function expiry(promise: Promise<unknown>): Promise<CursorExpiredError> {
  const error = await promise.then(
    () => {
      throw new Error('the change feed answered');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(CursorExpiredError);
  expect((error as Error).message).not.toMatch(/Work|INBOX|example\.test/);
  return error as CursorExpiredError;
}

describe('imap source changes', () => {
  it('reports flag changes, new messages, new folders and expunges (QRESYNC VANISHED), page by page, then nothing', async () => {
    const [user] = USERS;
    const { source, governor, mailbox } = sourceFor(user?.address ?? '');
    const ids = await seed(user?.address ?? '');
    const cursor = await source.currentCursor(mailbox, signal());

    governor.acquired.length = 0;
    const unchanged = await drain(source, mailbox, cursor);
    expect(unchanged).toMatchObject({ changed: [], removed: [], cursor, pages: 1 });
    // One LIST-STATUS and nothing else: no folder moved.
    expect(governor.acquired).toHaveLength(1);

    await mutate(user?.address ?? '', ids);
    const delta = await drain(source, mailbox, cursor);
    expect(delta.pages).toBeGreaterThanOrEqual(3);
    const byId = new Map(delta.changed.map((c) => [c.sourceId, c]));
    expect([...byId.keys()].sort()).toEqual(['a', 'e', 'f', 'g'].map((l) => ids.get(l)).sort());
    expect(byId.get(ids.get('a') ?? '')?.state.read).toBe(true);
    expect(byId.get(ids.get('e') ?? '')?.state.flagged).toBe(true);
    expect(byId.get(ids.get('f') ?? '')).toMatchObject({
      state: { answered: true },
      receivedAt: Date.parse('2022-02-22T12:00:00Z'),
    });
    expect(delta.removed).toEqual([ids.get('c')]);
    expect(delta.cursor).not.toBe(cursor);

    expect(await drain(source, mailbox, delta.cursor)).toMatchObject({ changed: [], removed: [] });
  });

  it('without QRESYNC finds the expunged UIDs by comparing, and reports nothing removed when none was', async () => {
    const user = USERS[1]?.address ?? '';
    const { source, mailbox } = sourceFor(user, { extensions: { condstore: true, qresync: false } });
    const ids = await seed(user);
    const cursor = await source.currentCursor(mailbox, signal());
    await change(user, 'Work', (s) =>
      s.messageFlagsAdd(uidOf(ids.get('d') ?? ''), ['\\Seen'], { uid: true }),
    );
    const flagsOnly = await drain(source, mailbox, cursor);
    expect(flagsOnly.changed.map((c) => c.sourceId)).toEqual([ids.get('d')]);
    expect(flagsOnly.removed).toEqual([]);

    await mutate(user, ids);
    const delta = await drain(source, mailbox, flagsOnly.cursor);
    expect(delta.removed).toEqual([ids.get('c')]);
    expect(delta.changed.map((c) => c.sourceId).sort()).toEqual(
      ['a', 'e', 'f', 'g'].map((l) => ids.get(l)).sort(),
    );
  });

  it('without QRESYNC reports every missing UID below the old UIDNEXT (a superset), or expires past the limit', async () => {
    const user = USERS[2]?.address ?? '';
    const ids = await seed(user);
    // b goes before the cursor is taken, c after: both gaps come back.
    await change(user, 'INBOX', (s) => s.messageDelete(uidOf(ids.get('b') ?? ''), { uid: true }));
    const { source, mailbox } = sourceFor(user, { extensions: { condstore: true, qresync: false } });
    const cursor = await source.currentCursor(mailbox, signal());
    await change(user, 'INBOX', (s) => s.messageDelete(uidOf(ids.get('c') ?? ''), { uid: true }));
    expect((await drain(source, mailbox, cursor)).removed).toEqual([ids.get('b'), ids.get('c')]);

    const strict = sourceFor(user, { extensions: { condstore: true, qresync: false }, maxGapUids: 1 });
    await expiry(drain(strict.source, strict.mailbox, cursor));
    // QRESYNC knows better: only c left since the cursor.
    const exact = sourceFor(user);
    expect((await drain(exact.source, exact.mailbox, cursor)).removed).toEqual([ids.get('c')]);
  });

  it('reports a change made while the pages are read on the next pass', async () => {
    const user = USERS[3]?.address ?? '';
    const { source, mailbox } = sourceFor(user, { pageSize: 1 });
    const ids = await seed(user);
    const cursor = await source.currentCursor(mailbox, signal());
    await mutate(user, ids);
    const first = await source.changes(mailbox, cursor, undefined, signal());
    expect(first.next).toBeDefined();
    await change(user, 'Work', (s) =>
      s.messageFlagsAdd(uidOf(ids.get('d') ?? ''), ['\\Draft'], { uid: true }),
    );
    let page = first;
    while (page.next !== undefined) page = await source.changes(mailbox, cursor, page.next, signal());
    const later = await drain(source, mailbox, page.cursor ?? '');
    expect(later.changed.find((c) => c.sourceId === ids.get('d'))?.state.draft).toBe(true);
  });

  it('expires when a folder gets a new UIDVALIDITY', async () => {
    const user = USERS[4]?.address ?? '';
    const { source, mailbox } = sourceFor(user);
    await seed(user);
    const cursor = await source.currentCursor(mailbox, signal());
    await dovecot.as(user, async (s) => {
      await s.mailboxDelete('Work');
      await appendMessages(s, 'Work', [{ raw: rfc822('reborn') }]);
    });
    expect((await expiry(drain(source, mailbox, cursor))).detail).toMatch(/UIDVALIDITY/);
  });

  it('expires when a folder was deleted or renamed', async () => {
    for (const [user, act] of [
      [USERS[5]?.address ?? '', (s: ImapFlow) => s.mailboxDelete('Work')],
      [USERS[6]?.address ?? '', (s: ImapFlow) => s.mailboxRename('Work', 'Work 2')],
    ] as const) {
      const { source, mailbox } = sourceFor(user);
      await seed(user);
      const cursor = await source.currentCursor(mailbox, signal());
      await dovecot.as(user, act);
      expect((await expiry(drain(source, mailbox, cursor))).detail).toMatch(/deleted or renamed/);
    }
  });

  it('expires without CONDSTORE (enumeration then compares stamps made of the state) and for a cursor it did not write', async () => {
    const user = USERS[7]?.address ?? '';
    const { source, mailbox } = sourceFor(user, { extensions: { condstore: false, qresync: false } });
    await seed(user);
    const cursor = await source.currentCursor(mailbox, signal());
    expect((await expiry(drain(source, mailbox, cursor))).detail).toMatch(/CONDSTORE/);
    const { items } = await source.enumerate(mailbox, undefined, signal());
    expect(items.map((i) => i.changeStamp)).toEqual(items.map(() => 's0000'));
    const withFeed = sourceFor(user);
    await expiry(withFeed.source.changes(withFeed.mailbox, 'history:123', undefined, signal()));
    await expect(
      withFeed.source.changes(
        withFeed.mailbox,
        await withFeed.source.currentCursor(withFeed.mailbox, signal()),
        'c1;broken',
        signal(),
      ),
    ).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });
});
