import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AccessProvider,
  CursorExpiredError,
  ItemRejectedError,
  type MailboxRef,
  type RequestCost,
  type RequestOutcome,
  type ThrottlePermit,
  type ThrottleScope,
} from '@ferry/migration/application';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { RecordingGovernor } from '@ferry/migration/testing';
import { createHash } from 'node:crypto';
import { GmailSource } from './gmail.source.adapter';
import { type GmailSandbox, type SandboxGmailMessage, startGmailSandbox } from '../../testing/gmail-sandbox.fixture';
import { liveMemory } from './live-memory.testing';

jest.setTimeout(120_000);

const ATTACHMENT = 20 * 1024 * 1024;
const never = new AbortController().signal;

/** A governor that, like the real one, holds every request back until a throttled answer's Retry-After has passed. */
class RetryAfterGovernor extends RecordingGovernor {
  private until = 0;

  override async acquire(
    scope: ThrottleScope,
    cost: RequestCost,
    signal?: AbortSignal,
  ): Promise<ThrottlePermit> {
    const wait = this.until - Date.now();
    if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
    const permit = await super.acquire(scope, cost);
    return {
      release: (outcome: RequestOutcome) => {
        if (outcome.kind === 'throttled' && outcome.retryAfterMs !== null)
          this.until = Date.now() + outcome.retryAfterMs;
        permit.release(outcome);
      },
    };
  }
}

async function everyPage(
  source: GmailSource,
  mailbox: MailboxRef,
): Promise<{ items: SourceItemSummary[]; pages: number }> {
  const items: SourceItemSummary[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await source.enumerate(mailbox, token, never);
    items.push(...page.items);
    pages++;
    token = page.next;
  } while (token !== undefined);
  return { items, pages };
}

describe('gmail source adapter', () => {
  let g: GmailSandbox;
  beforeAll(async () => {
    g = await startGmailSandbox({
      messagesPerUser: 40,
      attachmentRate: 0.1,
      attachmentSizes: [ATTACHMENT],
      userLabelRate: 0.4,
    });
  });
  afterAll(() => g.close());

  const seeded = (user: string) =>
    g.gmail<{ messages: SandboxGmailMessage[] }>(user, '/messages').then((r) => r.messages);

  it('lists labels as folders: nested user labels, system places with roles, the rest state only', async () => {
    const { connection } = g.connect();
    const folders = await new GmailSource(connection).listFolders(g.mailbox(0), never);
    const { labels } = await g.gmail<{ labels: { id: string; name: string; type: string }[] }>(
      g.users[0] ?? '',
      '/labels',
    );
    expect(folders).toHaveLength(labels.length);
    const byId = new Map(folders.map((f) => [f.id, f]));
    for (const label of labels.filter((l) => l.type === 'user'))
      expect(byId.get(label.id)).toEqual({ id: label.id, path: label.name.split('/'), role: null });
    expect(byId.get('Label_2')?.path).toEqual(['Projets', 'été']);
    expect(byId.get('INBOX')?.role).toBe('inbox');
    expect(byId.get('SENT')?.role).toBe('sent');
    expect(byId.get('DRAFT')?.role).toBe('drafts');
    expect(byId.get('SPAM')?.role).toBe('junk');
    expect(byId.get('TRASH')?.role).toBe('deleted');
    for (const id of ['STARRED', 'UNREAD', 'IMPORTANT', 'CATEGORY_PROMOTIONS', 'CHAT'])
      expect(byId.get(id)?.stateOnly).toBe(true);
  });

  it('enumerates every message once, spam and trash included, with its labels, state, stamp, size and date', async () => {
    const { connection, governor } = g.connect();
    const mailbox = g.mailbox(0);
    const { items, pages } = await everyPage(new GmailSource(connection, { pageSize: 15 }), mailbox);
    const expected = await seeded(g.users[0] ?? '');
    expect(pages).toBe(3);
    expect(items.map((i) => i.sourceId).sort()).toEqual(expected.map((m) => m.id).sort());
    expect(expected.some((m) => m.labelIds.includes('SPAM') || m.labelIds.includes('TRASH'))).toBe(true);
    const byId = new Map(items.map((i) => [i.sourceId, i]));
    for (const m of expected) {
      const item = byId.get(m.id) as SourceItemSummary;
      expect([...item.folderIds].sort()).toEqual([...m.labelIds].sort());
      expect(item.state).toEqual({
        read: !m.labelIds.includes('UNREAD'),
        flagged: m.labelIds.includes('STARRED'),
        answered: false,
        draft: m.labelIds.includes('DRAFT'),
        importance: m.labelIds.includes('IMPORTANT') ? 'high' : 'normal',
      });
      expect(item.changeStamp).toBe(String(m.historyId));
      expect(item.receivedAt).toBe(m.internalDate);
      expect(item.size).toBe(m.size);
    }
    // Every request went through the governor, charged Gmail's quota units for its method.
    expect(governor.acquired).toHaveLength(3 + expected.length);
    for (const { scope, cost } of governor.acquired) {
      expect(scope).toEqual({ vendor: 'gmail', tenantKey: mailbox.tenantKey, mailboxKey: mailbox.pseudonym });
      expect(cost).toEqual({ requests: 1, units: 5 });
    }
  });

  it('reports additions, label changes and deletions since a cursor, with current summaries', async () => {
    const { connection, governor } = g.connect();
    const source = new GmailSource(connection, { historyPageSize: 2 });
    const mailbox = g.mailbox(1);
    const user = g.users[1] ?? '';
    const cursor = await source.currentCursor(mailbox, never);
    const [relabelled, deleted] = (await seeded(user)).filter((m) => m.labelIds.includes('INBOX'));
    const added = await g.gmail<{ id: string }>(user, '/messages', 'POST', {
      subject: 'added between passes',
      labelIds: ['INBOX', 'UNREAD'],
    });
    await g.gmail(user, `/messages/${relabelled?.id ?? ''}`, 'PATCH', {
      addLabelIds: ['STARRED', 'Label_1'],
      removeLabelIds: ['INBOX', 'UNREAD'],
    });
    await g.gmail(user, `/messages/${deleted?.id ?? ''}`, 'DELETE');

    const changed = new Map<string, SourceItemSummary>();
    const removed: string[] = [];
    let next: string | undefined;
    let last: string | undefined;
    let pages = 0;
    do {
      const page = await source.changes(mailbox, cursor, next, never);
      for (const c of page.changed) changed.set(c.sourceId, c);
      removed.push(...page.removed);
      next = page.next;
      last = page.cursor ?? last;
      pages++;
      if (next !== undefined) expect(page.cursor).toBeUndefined();
    } while (next !== undefined);
    expect(pages).toBeGreaterThan(1);
    expect(removed).toEqual([deleted?.id]);
    expect([...changed.keys()].sort()).toEqual([added.id, relabelled?.id].sort());
    expect(changed.get(added.id)?.state.read).toBe(false);
    expect(changed.get(relabelled?.id ?? '')).toMatchObject({ state: { read: true, flagged: true } });
    expect(changed.get(relabelled?.id ?? '')?.folderIds).toContain('Label_1');
    expect(changed.get(relabelled?.id ?? '')?.folderIds).not.toContain('INBOX');
    const mailboxNow = await g.gmail<{ historyId: number }>(user, '');
    expect(last).toBe(String(mailboxNow.historyId));
    // From the new cursor nothing has changed; history.list costs 2 units.
    const quiet = await source.changes(mailbox, last ?? '', undefined, never);
    expect(quiet).toEqual({ changed: [], removed: [], cursor: last });
    expect(governor.acquired.filter((a) => a.cost.units === 2).length).toBe(pages + 1);
  });

  it('throws CursorExpiredError once the history behind a cursor has expired', async () => {
    const { connection } = g.connect();
    const source = new GmailSource(connection);
    const mailbox = g.mailbox(2);
    const cursor = await source.currentCursor(mailbox, never);
    await g.gmail(g.users[2] ?? '', '/history/expire', 'POST');
    await expect(source.changes(mailbox, cursor, undefined, never)).rejects.toBeInstanceOf(
      CursorExpiredError,
    );
    await expect(source.changes(mailbox, 'not-a-history-id', undefined, never)).rejects.toBeInstanceOf(
      CursorExpiredError,
    );
  });

  it('streams a message with a 20 MB attachment byte for byte, holding a few chunks at a time', async () => {
    const { connection } = g.connect();
    const user = g.users[0] ?? '';
    const big = (await seeded(user)).find((m) => m.size > ATTACHMENT && m.size < 1.5 * ATTACHMENT);
    expect(big).toBeDefined();
    const exact = await g.gmail<SandboxGmailMessage>(user, `/messages/${big?.id ?? ''}`);
    const live = liveMemory();
    const base = live();
    const mime = await new GmailSource(connection).openMime(g.mailbox(0), big?.id ?? '', never);
    const hash = createHash('sha256');
    let bytes = 0;
    let peak = 0;
    for await (const chunk of mime) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (bytes % (2 * 1024 * 1024) < (chunk as Buffer).length) peak = Math.max(peak, live() - base);
    }
    expect(bytes).toBe(exact.size);
    expect(hash.digest('hex')).toBe(exact.sha256);
    // The answer is about 37 MB of JSON for a 27 MB message; buffering either would show here.
    expect(peak).toBeLessThan(12 * 1024 * 1024);
  });

  it('says a message that is gone is gone: null summaries and a gone-from-source rejection', async () => {
    const { connection } = g.connect();
    const source = new GmailSource(connection);
    expect(await source.summaries(g.mailbox(0), ['ffffffffffffffff'], never)).toEqual([null]);
    const gone = await source.openMime(g.mailbox(0), 'ffffffffffffffff', never).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ItemRejectedError);
    expect((gone as ItemRejectedError).reason).toBe('gone-from-source');
  });

  it('drops a token Gmail refuses (401) and tries once more with a fresh one', async () => {
    const { connection } = g.connect();
    const inner = connection.access;
    let handedRevoked = false;
    let invalidated = 0;
    const access: AccessProvider = {
      token: (mailbox, scopes, signal) => {
        if (handedRevoked) return inner.token(mailbox, scopes, signal);
        handedRevoked = true;
        return Promise.resolve({ token: 'ya29.revoked-early', expiresAt: Date.now() + 3_600_000 });
      },
      imapLogin: (mailbox, signal) => inner.imapLogin(mailbox, signal),
      invalidate: (mailbox) => {
        invalidated++;
        inner.invalidate(mailbox);
      },
    };
    const source = new GmailSource({ ...connection, access });
    const folders = await source.listFolders(g.mailbox(0), never);
    expect(folders.length).toBeGreaterThan(0);
    expect(invalidated).toBe(1);
    // Summaries are read through the streaming transport, not googleapis: the same renewal applies.
    handedRevoked = false;
    const id = (await seeded(g.users[0] ?? ''))[0]?.id ?? '';
    expect((await source.summaries(g.mailbox(0), [id], never))[0]?.sourceId).toBe(id);
    expect(invalidated).toBe(2);
  });

  it('honours a 429 and its Retry-After through governedCall, then completes', async () => {
    const user = g.users[2] ?? '';
    const governor = new RetryAfterGovernor();
    const { connection } = g.connect({ governor });
    const ids = (await seeded(user)).slice(0, 6).map((m) => m.id);
    // Two messages.get a second for this user: the third in a burst is answered 429 with Retry-After.
    await g.control('/throttle', 'PUT', {
      enabled: true,
      overrides: [{ limit: 'gmail.user', user, spec: { rate: { count: 10, perSeconds: 1 } } }],
    });
    try {
      const summaries = await new GmailSource(connection, { readConcurrency: 3 }).summaries(
        g.mailbox(2),
        ids,
        never,
      );
      expect(summaries.map((s) => s?.sourceId)).toEqual(ids);
    } finally {
      await g.control('/throttle', 'PUT', { enabled: true, overrides: [] });
    }
    const throttled = governor.outcomes.filter((o) => o.kind === 'throttled');
    expect(throttled.length).toBeGreaterThan(0);
    for (const o of throttled) expect(o).toEqual({ kind: 'throttled', retryAfterMs: 1000 });
    expect(governor.outcomes.filter((o) => o.kind === 'ok')).toHaveLength(ids.length);
  });
});
