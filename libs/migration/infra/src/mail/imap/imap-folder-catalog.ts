import type { ImapFlow, StatusObject, StatusQuery } from 'imapflow';
import type { MailboxRef } from '@ferry/migration/application';
import { ProviderError } from '@ferry/providers/core';
import { deselect } from './imap-commands';
import type { FolderMark } from './imap-cursor';
import type { ImapFeatures } from './imap-extensions';
import { type ImapFolder, toImapFolders } from './imap-folders';
import { type ImapSessionRunner, mailboxKey } from './imap-session-runner';

/** A folder with its state at the moment of the snapshot. */
export interface MarkedFolder {
  readonly folder: ImapFolder;
  readonly mark: FolderMark;
}

interface Listing {
  readonly folders: readonly ImapFolder[];
  readonly byId: ReadonlyMap<string, ImapFolder>;
  readonly at: number;
}

/** STATUS commands per permit when the server lacks LIST-STATUS. */
const STATUS_BATCH = 20;

/**
 * The mailbox's folders, listed with LIST and kept for `ttlMs` per mailbox in this worker, so that mapping a
 * source id's folder id back to a path (every `openMime`) costs no command; an unknown id lists again once.
 * Also takes snapshots (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, MESSAGES of every folder) for cursors.
 */
export class ImapFolderCatalog {
  private readonly listings = new Map<string, Listing>();

  constructor(
    private readonly runner: ImapSessionRunner,
    private readonly ttlMs = 60_000,
    private readonly maxMailboxes = 1_000,
  ) {}

  /** The folders as the server lists them now. */
  async list(mailbox: MailboxRef, signal: AbortSignal): Promise<readonly ImapFolder[]> {
    const folders = await this.runner.run(
      'imap.folders.list',
      mailbox,
      { requests: 1 },
      signal,
      async (session) => toImapFolders(await session.list(), session.namespaces),
    );
    return this.remember(mailbox, folders).folders;
  }

  /** The folders, from this worker's recent listing when there is one. */
  async current(mailbox: MailboxRef, signal: AbortSignal): Promise<readonly ImapFolder[]> {
    return (this.fresh(mailbox) ?? { folders: await this.list(mailbox, signal) }).folders;
  }

  /** The folder with this id, or null when the server no longer has it (after one fresh listing). */
  async resolve(mailbox: MailboxRef, folderId: string, signal: AbortSignal): Promise<ImapFolder | null> {
    const known = this.fresh(mailbox)?.byId.get(folderId);
    if (known) return known;
    await this.list(mailbox, signal);
    return this.fresh(mailbox)?.byId.get(folderId) ?? null;
  }

  /**
   * Every folder with its state now: one LIST with inline STATUS where the server has LIST-STATUS, else a
   * LIST and STATUS commands in batches. A folder deleted between the two is left out.
   */
  async snapshot(mailbox: MailboxRef, signal: AbortSignal): Promise<MarkedFolder[]> {
    // LIST, and CLOSE when the pooled session has a folder open.
    const listed = await this.runner.run(
      'imap.folders.snapshot',
      mailbox,
      { requests: 2 },
      signal,
      async (session, features) => {
        const inline = session.capabilities.has('LIST-STATUS');
        if (inline) await deselect(session);
        const entries = await session.list(inline ? { statusQuery: statusQuery(features) } : {});
        const statuses = new Map(
          entries.filter((e) => e.status).map((e) => [e.path, e.status as StatusObject]),
        );
        return { folders: toImapFolders(entries, session.namespaces), statuses, features };
      },
    );
    const { folders } = this.remember(mailbox, listed.folders);
    const missing = folders.filter((f) => !listed.statuses.has(f.serverPath));
    for (let at = 0; at < missing.length; at += STATUS_BATCH) {
      const batch = missing.slice(at, at + STATUS_BATCH);
      const found = await this.runner.run(
        'imap.folders.status',
        mailbox,
        { requests: batch.length },
        signal,
        (session, features) => statusesOf(session, batch, features),
      );
      for (const [path, status] of found) listed.statuses.set(path, status);
    }
    const marked: MarkedFolder[] = [];
    for (const folder of folders) {
      const status = listed.statuses.get(folder.serverPath);
      if (status) marked.push({ folder, mark: markOf(folder.id, status, listed.features) });
    }
    return marked;
  }

  private fresh(mailbox: MailboxRef): Listing | undefined {
    const listing = this.listings.get(mailboxKey(mailbox));
    return listing && Date.now() - listing.at < this.ttlMs ? listing : undefined;
  }

  private remember(mailbox: MailboxRef, folders: readonly ImapFolder[]): Listing {
    const key = mailboxKey(mailbox);
    const listing: Listing = { folders, byId: new Map(folders.map((f) => [f.id, f])), at: Date.now() };
    // Insertion order is age order: the oldest listing goes first when the worker holds too many.
    this.listings.delete(key);
    this.listings.set(key, listing);
    for (const oldest of this.listings.keys()) {
      if (this.listings.size <= this.maxMailboxes) break;
      this.listings.delete(oldest);
    }
    return listing;
  }
}

function statusQuery(features: ImapFeatures): StatusQuery {
  return {
    uidValidity: true,
    uidNext: true,
    messages: true,
    ...(features.condstore ? { highestModseq: true } : {}),
  };
}

async function statusesOf(
  session: ImapFlow,
  folders: readonly ImapFolder[],
  features: ImapFeatures,
): Promise<Map<string, StatusObject>> {
  const found = new Map<string, StatusObject>();
  await deselect(session);
  for (const folder of folders) {
    try {
      const status = await session.status(folder.serverPath, statusQuery(features));
      if (!status) throw new ProviderError('provider-error', 'IMAP server refused a STATUS command');
      found.set(folder.serverPath, status);
    } catch (err) {
      // imapflow checks a refused STATUS with a LIST: NotFound means the folder is gone.
      if ((err as { code?: unknown }).code !== 'NotFound') throw err;
    }
  }
  return found;
}

function markOf(folderId: string, status: StatusObject, features: ImapFeatures): FolderMark {
  const { uidValidity, uidNext, messages, highestModseq } = status;
  if (uidValidity === undefined || uidNext === undefined || messages === undefined) {
    throw new ProviderError('provider-error', 'IMAP server sent an incomplete STATUS');
  }
  return {
    folderId,
    uidValidity: uidValidity.toString(),
    uidNext,
    highestModseq: features.condstore && highestModseq !== undefined ? highestModseq.toString() : null,
    messages,
  };
}
