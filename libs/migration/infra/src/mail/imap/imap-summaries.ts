import type { MailboxRef } from '@ferry/migration/application';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { examine } from './imap-commands';
import type { ImapFolderCatalog } from './imap-folder-catalog';
import { type ImapMessageRef, parseImapSourceId } from './imap-ids';
import type { ImapSessionRunner } from './imap-session-runner';
import { SUMMARY_QUERY, toSummary } from './imap-summary';
import { toSequenceSet } from './imap-uid-set';

export interface SummariesContext {
  readonly runner: ImapSessionRunner;
  readonly catalog: ImapFolderCatalog;
  /** UIDs per FETCH. */
  readonly pageSize: number;
}

/**
 * The current summary of each id, null for one that is gone (its folder deleted or renamed, its folder's
 * UIDVALIDITY changed, the message expunged) or that this source never handed out. One EXAMINE and one
 * UID FETCH per folder and slice of `pageSize` ids.
 */
export async function readSummaries(
  ctx: SummariesContext,
  mailbox: MailboxRef,
  sourceIds: readonly string[],
  signal: AbortSignal,
): Promise<(SourceItemSummary | null)[]> {
  const results: (SourceItemSummary | null)[] = sourceIds.map(() => null);
  const groups = new Map<string, { ref: ImapMessageRef; at: number }[]>();
  sourceIds.forEach((sourceId, at) => {
    const ref = parseImapSourceId(sourceId);
    if (!ref) return;
    const key = `${ref.folderId}/${ref.uidValidity}`;
    const group = groups.get(key);
    if (group) group.push({ ref, at });
    else groups.set(key, [{ ref, at }]);
  });
  for (const group of groups.values()) {
    const { folderId, uidValidity } = group[0]?.ref ?? { folderId: '', uidValidity: '' };
    const folder = await ctx.catalog.resolve(mailbox, folderId, signal);
    if (!folder) continue;
    for (let start = 0; start < group.length; start += ctx.pageSize) {
      const slice = group.slice(start, start + ctx.pageSize);
      // EXAMINE even when the folder is open: a fresh view is what shows other sessions' flag changes.
      const { found, condstore } = await ctx.runner.run(
        'imap.summaries',
        mailbox,
        { requests: 2 },
        signal,
        async (session, features) => {
          const opened = await examine(session, folder.serverPath);
          if (!opened || opened.uidValidity.toString() !== uidValidity)
            return { found: [], condstore: false };
          const uids = toSequenceSet(slice.map((s) => s.ref.uid));
          return {
            found: await session.fetchAll(uids, SUMMARY_QUERY, { uid: true }),
            condstore: features.condstore,
          };
        },
      );
      const byUid = new Map(found.map((m) => [m.uid, m]));
      for (const { ref, at } of slice) {
        const message = byUid.get(ref.uid);
        if (message) results[at] = toSummary(folderId, uidValidity, message, condstore);
      }
    }
  }
  return results;
}
