import { CursorExpiredError, type ChangePage, type MailboxRef } from '@ferry/migration/application';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import {
  compareIds,
  decodeChangeToken,
  decodeCursor,
  encodeChangeToken,
  encodeCursor,
  type ChangePhase,
  type FolderMark,
} from './imap-cursor';
import type { ImapFolderCatalog } from './imap-folder-catalog';
import { readChanged, readRemoved, type FolderStep } from './imap-folder-changes';
import type { ImapSessionRunner } from './imap-session-runner';

export interface ChangeFeedContext {
  readonly runner: ImapSessionRunner;
  readonly catalog: ImapFolderCatalog;
  readonly pageSize: number;
  readonly foldersPerPage: number;
  /** Without QRESYNC: the most candidate UIDs a folder may report as removed before the feed gives up. */
  readonly maxGapUids: number;
}

/** Whether anything about a folder moved since `before` (a folder absent then is new). */
function touched(before: FolderMark | undefined, now: FolderMark): boolean {
  return (
    !before ||
    before.highestModseq !== now.highestModseq ||
    before.uidNext !== now.uidNext ||
    before.messages !== now.messages
  );
}

/**
 * The first page's checks, before anything is read: the feed can answer only when every folder of the
 * cursor still exists with its UIDVALIDITY and both then and now has a HIGHESTMODSEQ.
 */
function checkFeedable(before: readonly FolderMark[], now: ReadonlyMap<string, FolderMark>): void {
  for (const mark of before) {
    const current = now.get(mark.folderId);
    if (mark.highestModseq === null)
      throw new CursorExpiredError('the IMAP cursor was taken without CONDSTORE');
    if (!current) throw new CursorExpiredError('an IMAP folder was deleted or renamed');
    if (current.uidValidity !== mark.uidValidity)
      throw new CursorExpiredError("an IMAP folder's UIDVALIDITY changed");
    if (current.highestModseq === null)
      throw new CursorExpiredError('the IMAP server no longer keeps CONDSTORE mod-sequences');
  }
}

/**
 * One page of changes since `cursor`. The first page takes a snapshot of every folder (one LIST-STATUS),
 * checks it against the cursor and carries it in the page tokens: it is the cursor the last page returns.
 * Only folders whose HIGHESTMODSEQ, UIDNEXT or MESSAGES moved are read, each in two steps:
 * - changed: `UID SEARCH MODSEQ <old+1>` (a new folder: every message), then a UID FETCH of the summaries;
 *   new messages are among them, as every new message gets a higher mod-sequence;
 * - removed: with QRESYNC the UIDs the server reports VANISHED since the old HIGHESTMODSEQ; without it,
 *   nothing when as many UIDs below the old UIDNEXT remain as there were messages, else every UID missing
 *   below it (a superset: UIDs expunged before the cursor come back too, which the engine knows nothing of
 *   and so ignores), or CursorExpiredError when that is more than `maxGapUids`.
 * Costs are in proportion to the folders and messages that changed, not to the mailbox.
 * @throws CursorExpiredError when the feed cannot answer (UIDVALIDITY changed, a folder deleted or renamed,
 *   no CONDSTORE, a cursor this source did not write): the engine enumerates instead.
 */
export async function changesPage(
  ctx: ChangeFeedContext,
  mailbox: MailboxRef,
  cursor: string,
  pageToken: string | undefined,
  signal: AbortSignal,
): Promise<ChangePage> {
  const before = decodeCursor(cursor);
  if (!before) throw new CursorExpiredError('not a cursor of the IMAP source');
  const beforeById = new Map(before.map((m) => [m.folderId, m]));
  let snapshot: string;
  let position: { folderId: string; phase: ChangePhase; lastUid: number };
  if (pageToken === undefined) {
    const marked = await ctx.catalog.snapshot(mailbox, signal);
    checkFeedable(before, new Map(marked.map(({ mark }) => [mark.folderId, mark])));
    snapshot = encodeCursor(marked.map(({ mark }) => mark));
    position = { folderId: '', phase: 'changed', lastUid: 0 };
  } else {
    const token = decodeChangeToken(pageToken);
    if (!token) throw new ProviderError('invalid-input', 'not a page token of the IMAP source');
    ({ snapshot, ...position } = token);
  }
  const work = (decodeCursor(snapshot) ?? []).filter((now) => touched(beforeById.get(now.folderId), now));
  let index = work.findIndex((m) => compareIds(m.folderId, position.folderId) >= 0);
  if (index < 0) index = work.length;
  let { phase, lastUid } =
    work[index]?.folderId === position.folderId ? position : { phase: 'changed' as ChangePhase, lastUid: 0 };
  const changed: SourceItemSummary[] = [];
  const removed: string[] = [];
  for (let read = 0; read < ctx.foldersPerPage && changed.length + removed.length < ctx.pageSize; read++) {
    const now = work[index];
    if (!now) break;
    const folder = await ctx.catalog.resolve(mailbox, now.folderId, signal);
    if (!folder) throw new CursorExpiredError('an IMAP folder was deleted or renamed');
    const was = beforeById.get(now.folderId);
    const limit = ctx.pageSize - changed.length - removed.length;
    const step: FolderStep =
      phase === 'changed'
        ? await ctx.runner.run('imap.changes.read', mailbox, { requests: 3 }, signal, (session) =>
            readChanged(session, folder, now, was, lastUid, limit),
          )
        : await ctx.runner.run(
            'imap.changes.removed',
            mailbox,
            { requests: 2 },
            signal,
            (session, features) =>
              readRemoved(session, features, folder, now, was as FolderMark, lastUid, limit, ctx.maxGapUids),
          );
    if (step.kind === 'expired') throw new CursorExpiredError(step.detail);
    changed.push(...step.changed);
    removed.push(...step.removed);
    if (step.more) lastUid = step.lastUid;
    else if (phase === 'changed' && was) [phase, lastUid] = ['removed', 0];
    else [index, phase, lastUid] = [index + 1, 'changed', 0];
  }
  const next = work[index];
  if (!next) return { changed, removed, cursor: snapshot };
  return { changed, removed, next: encodeChangeToken({ snapshot, folderId: next.folderId, phase, lastUid }) };
}
