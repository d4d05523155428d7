import type { SourceFolder } from '@ferry/migration/domain';
import type { MailboxRef, MailSource } from '../ports/mail.ports';

interface Entry {
  readonly at: number;
  readonly folders: Promise<ReadonlyMap<string, SourceFolder>>;
}

/**
 * Each worker's short-lived memory of source folder lists, so the batches of one mailbox do not each
 * list its folders again. Bounded in entries and age; a folder created since is seen after `ttlMs`
 * (an unknown folder id also forces a refresh).
 */
export class FolderDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async folders(key: string, source: MailSource, mailbox: MailboxRef, signal: AbortSignal, mustKnow: readonly string[] = []): Promise<ReadonlyMap<string, SourceFolder>> {
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) {
      const folders = await cached.folders.catch(() => undefined);
      if (folders && mustKnow.every((id) => folders.has(id))) return folders;
    }
    const folders = source.listFolders(mailbox, signal).then((list) => new Map(list.map((f) => [f.id, f] as const)));
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), folders });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    try {
      return await folders;
    } catch (err) {
      this.entries.delete(key);
      throw err;
    }
  }
}
