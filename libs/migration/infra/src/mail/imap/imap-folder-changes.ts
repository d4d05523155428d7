import type { ExpungeEvent, ImapFlow, SearchObject } from 'imapflow';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { examine, searchUids } from './imap-commands';
import type { FolderMark } from './imap-cursor';
import type { ImapFeatures } from './imap-extensions';
import type { ImapFolder } from './imap-folders';
import { imapSourceId } from './imap-ids';
import { SUMMARY_QUERY, toSummary } from './imap-summary';
import {
  complementWithin,
  countUids,
  MAX_UID,
  rangesOf,
  takeUids,
  toSequenceSet,
  type UidRange,
} from './imap-uid-set';

/** What one step of a folder's changes found; `more` when the folder has more of the same kind after `lastUid`. */
export type FolderStep =
  | {
      readonly kind: 'ok';
      readonly changed: SourceItemSummary[];
      readonly removed: string[];
      readonly more: boolean;
      readonly lastUid: number;
    }
  | { readonly kind: 'expired'; readonly detail: string };

const done = (lastUid: number): FolderStep => ({
  kind: 'ok',
  changed: [],
  removed: [],
  more: false,
  lastUid,
});

/** EXAMINEs the folder; an expired step when it is gone or no longer at the snapshot's UIDVALIDITY. */
async function open(session: ImapFlow, folder: ImapFolder, now: FolderMark): Promise<FolderStep | null> {
  const opened = await examine(session, folder.serverPath);
  if (!opened) return { kind: 'expired', detail: 'an IMAP folder was deleted or renamed' };
  if (opened.uidValidity.toString() !== now.uidValidity)
    return { kind: 'expired', detail: "an IMAP folder's UIDVALIDITY changed" };
  return null;
}

/** Messages with a mod-sequence above the old HIGHESTMODSEQ (all of a new folder), above `after`, at most `limit`. */
export async function readChanged(
  session: ImapFlow,
  folder: ImapFolder,
  now: FolderMark,
  before: FolderMark | undefined,
  after: number,
  limit: number,
): Promise<FolderStep> {
  const refused = await open(session, folder, now);
  if (refused) return refused;
  if (after >= MAX_UID) return done(after);
  const query: SearchObject = { uid: `${after + 1}:${MAX_UID}` };
  if (before?.highestModseq) query.modseq = BigInt(before.highestModseq) + 1n;
  const { uids, more } = takeUids(await searchUids(session, query), after, limit);
  const lastUid = uids[uids.length - 1];
  if (lastUid === undefined) return done(after);
  const messages = await session.fetchAll(toSequenceSet(uids), SUMMARY_QUERY, { uid: true });
  const changed = messages.filter((m) => m.uid > after).map((m) => toSummary(folder.id, now.uidValidity, m));
  return { kind: 'ok', changed, removed: [], more, lastUid };
}

/** UIDs below the old UIDNEXT and above `after` that left the folder since the cursor, at most `limit`. */
export async function readRemoved(
  session: ImapFlow,
  features: ImapFeatures,
  folder: ImapFolder,
  now: FolderMark,
  before: FolderMark,
  after: number,
  limit: number,
  maxGapUids: number,
): Promise<FolderStep> {
  const refused = await open(session, folder, now);
  if (refused) return refused;
  const high = before.uidNext - 1;
  if (high <= after || before.highestModseq === null) return done(after);
  let left: UidRange[];
  if (features.qresync) {
    left = rangesOf(
      await vanishedSince(session, folder.serverPath, `${after + 1}:${high}`, BigInt(before.highestModseq)),
    );
  } else {
    const present = await searchUids(session, { uid: `1:${high}` });
    if (countUids(present) === before.messages) return done(after);
    left = complementWithin(present, after + 1, high);
    if (countUids(left) > maxGapUids)
      return { kind: 'expired', detail: 'too many IMAP UIDs to check for removals without QRESYNC' };
  }
  const { uids, more } = takeUids(left, after, limit);
  const lastUid = uids[uids.length - 1];
  if (lastUid === undefined) return done(after);
  const removed = uids.map((uid) => imapSourceId({ folderId: folder.id, uidValidity: now.uidValidity, uid }));
  return { kind: 'ok', changed: [], removed, more, lastUid };
}

/**
 * QRESYNC (RFC 7162 3.2.6): `UID FETCH <range> (UID) (CHANGEDSINCE <modseq> VANISHED)` answers, besides the
 * messages changed since, `VANISHED (EARLIER)` with the UIDs expunged since; imapflow reports them as
 * `expunge` events of the open folder.
 */
async function vanishedSince(
  session: ImapFlow,
  serverPath: string,
  range: string,
  modseq: bigint,
): Promise<number[]> {
  const vanished: number[] = [];
  const onExpunge = (event: ExpungeEvent) => {
    if (event.vanished && event.uid !== undefined && event.path === serverPath) vanished.push(event.uid);
  };
  session.on('expunge', onExpunge);
  try {
    // The changed messages' rows come along; they were read in the changed step.
    for await (const _row of session.fetch(range, { uid: true }, { uid: true, changedSince: modseq }))
      void _row;
  } finally {
    session.off('expunge', onExpunge);
  }
  return vanished;
}
