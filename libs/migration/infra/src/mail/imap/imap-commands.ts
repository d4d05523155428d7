import type { ImapFlow, MailboxObject, SearchObject } from 'imapflow';
import { ProviderError } from '@ferry/providers/core';
import { MAX_UID, parseUidSet, rangesOf, type UidRange } from './imap-uid-set';

/**
 * Opens a folder read-only (EXAMINE, so reading changes no flag), or null when the server no longer has it.
 * With `reuse`, a session that has the folder open already keeps it (imapflow keeps its state current).
 */
export async function examine(
  session: ImapFlow,
  serverPath: string,
  reuse = false,
): Promise<MailboxObject | null> {
  if (reuse && session.mailbox && session.mailbox.path === serverPath) return session.mailbox;
  try {
    return await session.mailboxOpen(serverPath, { readOnly: true });
  } catch (err) {
    // imapflow checks a refused SELECT with a LIST and marks a folder that is not there.
    if ((err as { mailboxMissing?: unknown }).mailboxMissing === true) return null;
    throw err;
  }
}

/**
 * Leaves the open folder (CLOSE, which expunges nothing in a folder opened by EXAMINE). STATUS of the open
 * folder answers from the session's view, which does not see other sessions' changes until it syncs, so
 * every STATUS (and LIST-STATUS) is sent with no folder open.
 */
export async function deselect(session: ImapFlow): Promise<void> {
  if (session.mailbox) await session.mailboxClose();
}

/** UIDs matching `query` in the open folder, as ranges (ESEARCH ALL keeps a large answer compact). */
export async function searchUids(session: ImapFlow, query: SearchObject): Promise<UidRange[]> {
  const result = await session.search(query, { uid: true, returnOptions: ['ALL'] });
  if (result === false || result === undefined)
    throw new ProviderError('provider-error', 'IMAP server refused a search');
  if (Array.isArray(result)) return rangesOf(result);
  return result.all ? parseUidSet(result.all) : [];
}

/** The sequence number of the first message above `afterUid` in the open folder, or null. */
export async function firstSequenceAfter(session: ImapFlow, afterUid: number): Promise<number | null> {
  if (afterUid >= MAX_UID) return null;
  const result = await session.search({ uid: `${afterUid + 1}:${MAX_UID}` }, { returnOptions: ['MIN'] });
  if (result === false || result === undefined)
    throw new ProviderError('provider-error', 'IMAP server refused a search');
  // Without ESEARCH imapflow answers a sorted list of sequence numbers.
  if (Array.isArray(result)) return result[0] ?? null;
  return result.min ?? null;
}
