import { createHash } from 'node:crypto';
import { CursorExpiredError, type ChangePage, type MailboxRef } from '@ferry/migration/application';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { type GraphMailKit, type InspectedMessage, startGraphMailKit } from '../../testing/graph-mail.fixture';
import { GraphMailSource } from './graph-mail.source.adapter';
import { GraphMailTarget } from './graph-mail.target.adapter';
import { decodeCursor } from './graph-page.token';

jest.setTimeout(120_000);

const signal = () => new AbortController().signal;

describe('graph mail source (Microsoft Graph, sandbox)', () => {
  let kit: GraphMailKit;
  let mailbox: MailboxRef;
  let source: GraphMailSource;
  const base = () => `/microsoft/mail/${encodeURIComponent(mailbox.address)}`;
  const inspected = async () =>
    (await kit.inspect<{ value: InspectedMessage[] }>(`${base()}/messages?limit=5000`)).value;

  /** Every page of a change feed from `cursor`: what changed, what left, and the cursor it ends with. */
  const allChanges = async (cursor: string) => {
    const changed: SourceItemSummary[] = [];
    const removed: string[] = [];
    let page: ChangePage | undefined;
    let pages = 0;
    do {
      page = await source.changes(mailbox, cursor, page?.next, signal());
      changed.push(...page.changed);
      removed.push(...page.removed);
      pages++;
    } while (page.next);
    return { changed, removed, cursor: page.cursor, pages };
  };

  beforeAll(async () => {
    kit = await startGraphMailKit(
      {
        messagesPerUser: 60,
        attachmentRate: 0.3,
        attachmentSizes: [1024, 50_000],
        extraFolders: 2,
        folderDepth: 2,
      },
      2,
    );
    mailbox = kit.mailbox(0);
    source = new GraphMailSource(kit.connection().connection, { pageSize: 7, deltaPageSize: 9 });
  });
  afterAll(async () => {
    await kit.close();
  });
  afterEach(async () => {
    await kit.inspect('/faults', { method: 'DELETE' });
  });

  it('lists folders with their roles and nested, non-ASCII paths', async () => {
    const folders = await source.listFolders(mailbox, signal());
    const byRole = new Map(folders.filter((f) => f.role).map((f) => [f.role, f.path.join('/')]));
    expect(Object.fromEntries(byRole)).toEqual({
      inbox: 'Inbox',
      sent: 'Sent Items',
      drafts: 'Drafts',
      junk: 'Junk Email',
      deleted: 'Deleted Items',
      archive: 'Archive',
    });
    const paths = folders.map((f) => f.path);
    expect(paths).toContainEqual(['Inbox', 'Projets', 'été']);
    expect(paths).toContainEqual(['日本語']);
    expect(paths).toContainEqual(['Projets/été']);
    expect(paths).toContainEqual(['Inbox', 'Folder 1', 'Level 2']);
    const expected = (
      await kit.inspect<{ folders: { id: string; path: string }[] }>(`${base()}/folders`)
    ).folders.filter((f) => f.path !== '');
    expect(new Set(folders.map((f) => f.id))).toEqual(new Set(expected.map((f) => f.id)));
  });

  it('enumerates every message of every folder once, page by page, with state and stamps', async () => {
    const seen: SourceItemSummary[] = [];
    let pages = 0;
    let next: string | undefined;
    do {
      const page = await source.enumerate(mailbox, next, signal());
      seen.push(...page.items);
      next = page.next;
      pages++;
    } while (next);
    const messages = await inspected();
    expect(pages).toBeGreaterThan(messages.length / 7);
    expect(seen.map((s) => s.sourceId).sort()).toEqual(messages.map((m) => m.id).sort());
    for (const m of messages) {
      const s = seen.find((x) => x.sourceId === m.id);
      expect(s).toMatchObject({
        folderIds: [m.folderId],
        state: {
          read: m.isRead,
          draft: m.isDraft,
          flagged: m.flag.flagStatus === 'flagged',
          importance: m.importance,
        },
        receivedAt: Date.parse(m.receivedDateTime),
      });
      expect(s?.changeStamp).not.toBe('');
    }
  });

  it('streams a message from $value and reads summaries, null for a message that is gone', async () => {
    const [first, second] = (
      await kit.inspect<{ value: InspectedMessage[] }>(`${base()}/messages?limit=2&sha256=true`)
    ).value;
    if (!first || !second) throw new Error('the scenario seeded too few messages');
    const hash = createHash('sha256');
    for await (const chunk of await source.openMime(mailbox, first.id, signal()))
      hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(first.sha256);
    const [summary, missing] = await source.summaries(
      mailbox,
      [second.id, 'AAMkAGnotAMessageThatExists0000000000000000000000000'],
      signal(),
    );
    expect(summary?.sourceId).toBe(second.id);
    expect(missing).toBeNull();
  });

  it('reports reads, moves, deletions, new messages and new folders since a cursor, and nothing after', async () => {
    const cursor = await source.currentCursor(mailbox, signal());
    expect((await allChanges(cursor)).changed).toEqual([]);
    const messages = (await inspected()).filter((m) => m.folderPath === 'Inbox');
    const [read, moved, deleted] = messages;
    if (!read || !moved || !deleted) throw new Error('the scenario seeded too few inbox messages');
    await kit.inspect(`${base()}/messages/${encodeURIComponent(read.id)}`, {
      method: 'PATCH',
      body: { isRead: !read.isRead },
    });
    await kit.inspect(`${base()}/messages/${encodeURIComponent(moved.id)}/move`, {
      method: 'POST',
      body: { folder: 'Inbox/Projets/été' },
    });
    await kit.inspect(`${base()}/messages/${encodeURIComponent(deleted.id)}`, { method: 'DELETE' });
    const added = await kit.inspect<InspectedMessage>(`${base()}/messages`, {
      method: 'POST',
      body: { folder: 'archive', subject: 'Added later' },
    });

    const delta = await allChanges(cursor);
    expect(delta.pages).toBeGreaterThan(1);
    expect(delta.removed).toEqual([deleted.id]);
    const changed = new Map(delta.changed.map((s) => [s.sourceId, s]));
    expect(changed.get(read.id)?.state.read).toBe(!read.isRead);
    const projets = (
      await kit.inspect<{ folders: { id: string; path: string }[] }>(`${base()}/folders`)
    ).folders.find((f) => f.path === 'Inbox/Projets/été');
    expect(changed.get(moved.id)?.folderIds).toEqual([projets?.id]);
    // Removed from the Inbox and added to Projets/été: one change, from the folder it went to.
    expect(delta.changed.filter((s) => s.sourceId === moved.id)).toHaveLength(1);
    expect(changed.get(added.id)?.folderIds).toEqual([added.folderId]);
    expect([...changed.keys()].every((id) => [read.id, moved.id, added.id].includes(id))).toBe(true);

    if (!delta.cursor) throw new Error('the last page carried no cursor');
    // Compact: per folder only the delta link's query, not the whole link.
    const kept = Object.values(decodeCursor(delta.cursor));
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.every((q) => q.startsWith('?') && q.includes('deltatoken'))).toBe(true);
    expect((await allChanges(delta.cursor)).changed).toEqual([]);
  });

  it('reads a folder created since the cursor in full', async () => {
    const cursor = await source.currentCursor(mailbox, signal());
    const target = new GraphMailTarget(kit.connection().connection);
    await target.prepare(
      mailbox,
      [
        {
          path: ['Made later'],
          role: null,
          extraLabels: [],
          state: { read: false, flagged: false, answered: false, draft: false, importance: 'normal' },
        },
      ],
      signal(),
    );
    const added = await kit.inspect<InspectedMessage>(`${base()}/messages`, {
      method: 'POST',
      body: { folder: 'Made later', subject: 'In a new folder' },
    });
    const delta = await allChanges(cursor);
    expect(delta.changed.map((s) => s.sourceId)).toEqual([added.id]);
  });

  it('says the cursor expired on 410 (tokens expired, or a stale token) and for a cursor it did not write', async () => {
    const cursor = await source.currentCursor(mailbox, signal());
    await kit.inspect(`${base()}/delta/expire`, { method: 'POST' });
    await expect(source.changes(mailbox, cursor, undefined, signal())).rejects.toBeInstanceOf(
      CursorExpiredError,
    );

    const fresh = await source.currentCursor(mailbox, signal());
    await kit.inspect('/faults', {
      method: 'POST',
      body: { operation: 'graph.messages.delta', effect: { kind: 'stale-delta' }, times: 1 },
    });
    const stale = await source.changes(mailbox, fresh, undefined, signal()).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(CursorExpiredError);
    expect((stale as Error).message).not.toContain(mailbox.address);

    await expect(source.changes(mailbox, 'history:12345', undefined, signal())).rejects.toBeInstanceOf(
      CursorExpiredError,
    );
  });

  it('names no address in its errors and refuses page tokens that point outside Graph', async () => {
    const gone: unknown = await source
      .openMime(mailbox, 'AAMkAGnotAMessageThatExists0000000000000000000000000', signal())
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ name: 'ItemRejectedError', reason: 'gone-from-source' });
    const forged = Buffer.from(
      JSON.stringify({ r: ['x'], l: 'https://attacker.example/v1.0/steal' }),
    ).toString('base64url');
    const err: unknown = await source.enumerate(mailbox, forged, signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ProviderError', code: 'invalid-input' });
    for (const e of [gone, err]) expect(e instanceof Error && !e.message.includes('@')).toBe(true);
  });
});
