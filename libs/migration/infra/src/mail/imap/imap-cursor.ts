import { isImapFolderId } from './imap-ids';

/**
 * A folder's state at one moment: what `changes` compares against. `highestModseq` is null when the server
 * (or this folder: NOMODSEQ) keeps no mod-sequences, which leaves the folder without a change feed.
 */
export interface FolderMark {
  readonly folderId: string;
  /** UIDVALIDITY, decimal. */
  readonly uidValidity: string;
  readonly uidNext: number;
  /** HIGHESTMODSEQ, decimal; null without CONDSTORE. */
  readonly highestModseq: string | null;
  /** MESSAGES: with `uidNext`, tells whether a message below it left (without QRESYNC). */
  readonly messages: number;
}

const PREFIX = 'imap1;';
const ENTRY = /^([A-Za-z0-9_-]{22}),([1-9]\d{0,9}),(\d{1,10}),(\d{1,20})?,(\d{1,10})$/;
/** A cursor naming more folders than this is not one this adapter wrote. */
export const MAX_CURSOR_FOLDERS = 20_000;

/**
 * `imap1;<id>,<UIDVALIDITY>,<UIDNEXT>,<HIGHESTMODSEQ>,<MESSAGES>;...`: about 60 characters a folder, sorted
 * by folder id so equal states serialise equally.
 */
export function encodeCursor(marks: readonly FolderMark[]): string {
  const sorted = [...marks].sort((a, b) => compareIds(a.folderId, b.folderId));
  return (
    PREFIX +
    sorted
      .map((m) => `${m.folderId},${m.uidValidity},${m.uidNext},${m.highestModseq ?? ''},${m.messages}`)
      .join(';')
  );
}

/** The marks of a cursor, or null when it is not one {@link encodeCursor} wrote. */
export function decodeCursor(cursor: string): FolderMark[] | null {
  if (!cursor.startsWith(PREFIX)) return null;
  const body = cursor.slice(PREFIX.length);
  if (body === '') return [];
  const entries = body.split(';');
  if (entries.length > MAX_CURSOR_FOLDERS) return null;
  const marks: FolderMark[] = [];
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    if (!match) return null;
    const [, folderId = '', uidValidity = '', uidNext = '', modseq, messages = ''] = match;
    marks.push({
      folderId,
      uidValidity,
      uidNext: Number(uidNext),
      highestModseq: modseq ?? null,
      messages: Number(messages),
    });
  }
  return marks;
}

/** Folder ids compare as plain strings (byte order), the one order every worker agrees on. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where an enumeration stands: in `folderId` (at `uidValidity`, '0' before the folder was opened), after `lastUid`. */
export interface EnumerationToken {
  readonly folderId: string;
  readonly uidValidity: string;
  readonly lastUid: number;
}

const ENUMERATION_TOKEN = /^e1;([A-Za-z0-9_-]{22});(0|[1-9]\d{0,9});(\d{1,10})$/;

export function encodeEnumerationToken(token: EnumerationToken): string {
  return `e1;${token.folderId};${token.uidValidity};${token.lastUid}`;
}

export function decodeEnumerationToken(token: string): EnumerationToken | null {
  const match = ENUMERATION_TOKEN.exec(token);
  if (!match) return null;
  const [, folderId = '', uidValidity = '', lastUid = ''] = match;
  return { folderId, uidValidity, lastUid: Number(lastUid) };
}

/** The two steps of a folder's changes: changed and new messages, then removed ones. */
export type ChangePhase = 'changed' | 'removed';

/**
 * Where a change feed stands. `snapshot` is the cursor taken on the first page, before anything was read:
 * the cursor the last page returns, so a change made while the pages were read is reported again next
 * time rather than missed.
 */
export interface ChangeToken {
  readonly snapshot: string;
  readonly folderId: string;
  readonly phase: ChangePhase;
  readonly lastUid: number;
}

const CHANGE_TOKEN = /^c1;([A-Za-z0-9_-]{22});([cr]);(\d{1,10})\|(imap1;.*)$/s;

export function encodeChangeToken(token: ChangeToken): string {
  return `c1;${token.folderId};${token.phase === 'changed' ? 'c' : 'r'};${token.lastUid}|${token.snapshot}`;
}

export function decodeChangeToken(token: string): ChangeToken | null {
  const match = CHANGE_TOKEN.exec(token);
  if (!match) return null;
  const [, folderId = '', phase, lastUid = '', snapshot = ''] = match;
  if (!isImapFolderId(folderId) || decodeCursor(snapshot) === null) return null;
  return { snapshot, folderId, phase: phase === 'c' ? 'changed' : 'removed', lastUid: Number(lastUid) };
}
