import type { ListResponse, NamespacesObject } from 'imapflow';
import type { SourceFolder, SystemFolder } from '@ferry/migration/domain';
import { compareIds } from './imap-cursor';
import { imapFolderId } from './imap-ids';

/** A selectable folder of the mailbox: its id, the path the server knows it by, and what the user sees. */
export interface ImapFolder extends SourceFolder {
  /** The full path as imapflow takes it (UTF-8, the server's delimiter); memory only, never logged. */
  readonly serverPath: string;
}

const ROLES: Readonly<Record<string, SystemFolder>> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Junk': 'junk',
  '\\Trash': 'deleted',
  '\\Archive': 'archive',
};
/** Views the server computes over other folders (RFC 6154): copying them would copy their messages twice. */
const VIRTUAL = new Set(['\\All', '\\Flagged']);

/**
 * The folders worth migrating, sorted by id: selectable (no `\Noselect`, `\NonExistent`), in the personal
 * namespace (shared folders and other users' folders belong to someone else), and not a virtual view the
 * server declares with a special-use flag. The personal namespace prefix (`INBOX.` on Cyrus and Courier) is
 * left out of `path`, as mail clients show it. Roles come from special-use flags (or imapflow's reading of
 * well-known names when the server has no SPECIAL-USE) and INBOX.
 */
export function toImapFolders(
  entries: readonly ListResponse[],
  namespaces: NamespacesObject | undefined,
): ImapFolder[] {
  const personal = namespaces?.personal[0]?.prefix ?? '';
  const foreign = [...(namespaces?.other || []), ...(namespaces?.shared || [])]
    .map((ns) => ns.prefix)
    .filter((p) => p !== '');
  const folders: ImapFolder[] = [];
  for (const entry of entries) {
    if (entry.flags.has('\\Noselect') || entry.flags.has('\\NonExistent')) continue;
    if (foreign.some((prefix) => entry.path.startsWith(prefix))) continue;
    if (entry.specialUse && VIRTUAL.has(entry.specialUse) && entry.specialUseSource === 'extension') continue;
    const isInbox = entry.path.toUpperCase() === 'INBOX';
    const shown =
      !isInbox && personal !== '' && entry.path.startsWith(personal)
        ? entry.path.slice(personal.length)
        : entry.path;
    const path = entry.delimiter ? shown.split(entry.delimiter) : [shown];
    const role = isInbox ? 'inbox' : entry.specialUse ? (ROLES[entry.specialUse] ?? null) : null;
    folders.push({ id: imapFolderId(entry.path), serverPath: entry.path, path, role });
  }
  return folders.sort((a, b) => compareIds(a.id, b.id));
}

/** The folder as the engine sees it (without the server path). */
export function toSourceFolder(folder: ImapFolder): SourceFolder {
  return { id: folder.id, path: folder.path, role: folder.role };
}
