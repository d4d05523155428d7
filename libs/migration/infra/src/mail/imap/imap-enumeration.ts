import type { ImapFlow } from 'imapflow';
import type { ItemPage, MailboxRef } from '@ferry/migration/application';
import type { SourceItemSummary } from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import { examine, firstSequenceAfter } from './imap-commands';
import {
  compareIds,
  decodeEnumerationToken,
  encodeEnumerationToken,
  type EnumerationToken,
} from './imap-cursor';
import type { ImapFeatures } from './imap-extensions';
import type { ImapFolderCatalog } from './imap-folder-catalog';
import type { ImapFolder } from './imap-folders';
import type { ImapSessionRunner } from './imap-session-runner';
import { SUMMARY_QUERY, toSummary } from './imap-summary';

export interface EnumerationContext {
  readonly runner: ImapSessionRunner;
  readonly catalog: ImapFolderCatalog;
  readonly pageSize: number;
  /** Folders read per page at most, so a mailbox of many empty folders still answers in bounded time. */
  readonly foldersPerPage: number;
}

interface FolderSlice {
  /** Null when the folder vanished after it was listed. */
  readonly uidValidity: string | null;
  readonly items: SourceItemSummary[];
  readonly lastUid: number;
  readonly done: boolean;
}

/**
 * One page of a full enumeration: every selectable folder in folder-id order, each from its lowest UID up,
 * in slices of at most `pageSize` messages (EXAMINE, SEARCH RETURN (MIN) for the first sequence number above
 * the last UID, FETCH of a sequence range: three commands, whatever the folder's size). The page token
 * holds the folder id, its UIDVALIDITY and the last UID; a folder whose UIDVALIDITY changed in between is
 * read again from the start (its earlier ids are void, which the next delta pass reports as expired).
 */
export async function enumeratePage(
  ctx: EnumerationContext,
  mailbox: MailboxRef,
  pageToken: string | undefined,
  signal: AbortSignal,
): Promise<ItemPage> {
  const token = pageToken === undefined ? undefined : decodeEnumerationToken(pageToken);
  if (token === null) throw new ProviderError('invalid-input', 'not a page token of the IMAP source');
  const folders = token
    ? await ctx.catalog.current(mailbox, signal)
    : await ctx.catalog.list(mailbox, signal);
  let index = token ? folders.findIndex((f) => compareIds(f.id, token.folderId) >= 0) : 0;
  if (index < 0) return { items: [] };
  let position: EnumerationToken | undefined =
    token && folders[index]?.id === token.folderId ? token : undefined;
  const items: SourceItemSummary[] = [];
  for (let read = 0; read < ctx.foldersPerPage && items.length < ctx.pageSize; read++) {
    const folder = folders[index];
    if (!folder) break;
    const slice = await ctx.runner.run(
      'imap.enumerate',
      mailbox,
      { requests: 3 },
      signal,
      (session, features) => readSlice(session, features, folder, position, ctx.pageSize - items.length),
    );
    items.push(...slice.items);
    if (slice.done || slice.uidValidity === null) {
      index++;
      position = undefined;
    } else {
      position = { folderId: folder.id, uidValidity: slice.uidValidity, lastUid: slice.lastUid };
    }
  }
  const next = folders[index];
  if (!next) return { items };
  return {
    items,
    next: encodeEnumerationToken(position ?? { folderId: next.id, uidValidity: '0', lastUid: 0 }),
  };
}

async function readSlice(
  session: ImapFlow,
  features: ImapFeatures,
  folder: ImapFolder,
  position: EnumerationToken | undefined,
  limit: number,
): Promise<FolderSlice> {
  const opened = await examine(session, folder.serverPath);
  if (!opened) return { uidValidity: null, items: [], lastUid: 0, done: true };
  const uidValidity = opened.uidValidity.toString();
  const after = position && position.uidValidity === uidValidity ? position.lastUid : 0;
  const empty = { uidValidity, items: [], lastUid: after, done: true };
  if (opened.exists === 0) return empty;
  const first = await firstSequenceAfter(session, after);
  if (first === null) return empty;
  const last = Math.min(first + limit - 1, opened.exists);
  // Sequence numbers hold still between these two commands: a server sends no EXPUNGE during SEARCH or FETCH.
  const messages = (await session.fetchAll(`${first}:${last}`, SUMMARY_QUERY))
    .filter((m) => m.uid > after)
    .sort((a, b) => a.uid - b.uid);
  const lastMessage = messages[messages.length - 1];
  if (!lastMessage) return empty;
  return {
    uidValidity,
    items: messages.map((m) => toSummary(folder.id, uidValidity, m, features.condstore)),
    lastUid: lastMessage.uid,
    done: last >= opened.exists,
  };
}
