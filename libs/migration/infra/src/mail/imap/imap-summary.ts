import type { FetchMessageObject, FetchQueryObject } from 'imapflow';
import type { MailState, SourceItemSummary } from '@ferry/migration/domain';
import { imapSourceId } from './imap-ids';

/** What enumeration, change feeds and summaries fetch per message (imapflow adds MODSEQ under CONDSTORE). */
export const SUMMARY_QUERY: FetchQueryObject = Object.freeze({
  uid: true,
  flags: true,
  internalDate: true,
  size: true,
});

/** The state flags of RFC 3501; keywords (`$Forwarded`, `$label1`) are not state the targets carry. */
export function stateOf(flags: ReadonlySet<string> | undefined): MailState {
  const has = (flag: string) => flags?.has(flag) ?? false;
  return {
    read: has('\\Seen'),
    flagged: has('\\Flagged'),
    answered: has('\\Answered'),
    draft: has('\\Draft'),
    importance: 'normal',
  };
}

/**
 * The change stamp: MODSEQ where the server keeps one (it grows on every change of the message). Without
 * CONDSTORE, the state itself (`s` and one bit per flag), so that enumeration with stamp comparison still
 * sees a message marked read: the state is all that can change about an IMAP message, whose content is
 * immutable and whose folder is part of its id.
 */
export function changeStampOf(
  message: Pick<FetchMessageObject, 'modseq' | 'flags'>,
  condstore = true,
): string {
  if (condstore && message.modseq !== undefined) return message.modseq.toString();
  const state = stateOf(message.flags);
  return `s${[state.read, state.flagged, state.answered, state.draft].map((bit) => (bit ? '1' : '0')).join('')}`;
}

/**
 * The summary of a fetched message of folder `folderId` at `uidValidity`; `condstore` false ignores a
 * MODSEQ the server sends anyway (the adapter was told not to rely on the server's CONDSTORE).
 */
export function toSummary(
  folderId: string,
  uidValidity: string,
  message: FetchMessageObject,
  condstore = true,
): SourceItemSummary {
  const received = message.internalDate === undefined ? Number.NaN : new Date(message.internalDate).getTime();
  return {
    sourceId: imapSourceId({ folderId, uidValidity, uid: message.uid }),
    folderIds: [folderId],
    state: stateOf(message.flags),
    changeStamp: changeStampOf(message, condstore),
    size: message.size ?? 0,
    receivedAt: Number.isFinite(received) ? received : 0,
  };
}
