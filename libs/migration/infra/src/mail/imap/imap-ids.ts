import { createHash } from 'node:crypto';

/**
 * Ids the IMAP source hands out. A folder id is a digest of the folder's full server path: stable while the
 * folder keeps its name, bounded (22 characters), and free of the folder's name, so a source id that ends
 * up in a log, an event or an error names no folder. The adapter maps ids back to paths with a LIST.
 */

const FOLDER_ID = /^[A-Za-z0-9_-]{22}$/;
const SOURCE_ID = /^([A-Za-z0-9_-]{22})\/([1-9]\d{0,9})\/([1-9]\d{0,9})$/;
const MAX_UINT32 = 4_294_967_295;

/** The folder id of a server path (as imapflow decodes it: UTF-8, with the server's delimiter). */
export function imapFolderId(serverPath: string): string {
  return createHash('sha256').update(serverPath, 'utf8').digest('base64url').slice(0, 22);
}

/** True for a string shaped like {@link imapFolderId} output. */
export function isImapFolderId(value: string): boolean {
  return FOLDER_ID.test(value);
}

/** A message's place: folder, the folder's UIDVALIDITY (decimal) and the UID. */
export interface ImapMessageRef {
  readonly folderId: string;
  readonly uidValidity: string;
  readonly uid: number;
}

/** `<folder id>/<UIDVALIDITY>/<UID>`: at most 44 characters. */
export function imapSourceId(ref: ImapMessageRef): string {
  return `${ref.folderId}/${ref.uidValidity}/${ref.uid}`;
}

/** The parts of a source id, or null for anything {@link imapSourceId} would not produce. */
export function parseImapSourceId(sourceId: string): ImapMessageRef | null {
  const match = SOURCE_ID.exec(sourceId);
  if (!match) return null;
  const [, folderId = '', uidValidity = '', uid = ''] = match;
  if (Number(uidValidity) > MAX_UINT32 || Number(uid) > MAX_UINT32) return null;
  return { folderId, uidValidity, uid: Number(uid) };
}
