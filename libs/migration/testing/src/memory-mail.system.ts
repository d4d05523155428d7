import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ChangePage, ItemPage, MailboxRef, MailSource, MailTarget, MessageToWrite, MessageUpdate, WrittenMessage } from '@ferry/migration/application';
import { CursorExpiredError } from '@ferry/migration/application';
import { DEFAULT_STATE, type MailState, type SourceFolder, type SourceItemSummary, type TargetPlacement } from '@ferry/migration/domain';

/** A message in the memory system. */
export interface MemoryMessage {
  id: string;
  folderIds: string[];
  state: MailState;
  mime: Buffer;
  receivedAt: number;
  stamp: number;
  /** Target side: the idempotency key and whether the copy completed. */
  key?: string;
  placement?: TargetPlacement;
}

interface Mailbox {
  folders: SourceFolder[];
  messages: Map<string, MemoryMessage>;
  /** Change log: stamp -> changed id, or removed id. */
  log: { stamp: number; id: string; removed: boolean }[];
}

/** Which operation a scripted fault hits. */
export type MemoryOperation = 'write' | 'find' | 'update' | 'remove' | 'openMime' | 'enumerate' | 'changes';

/**
 * An in-memory mail system that is both a source and a target, for use-case tests: folders, messages,
 * a change feed with expiry, idempotency keys on copies, and scripted faults (throw before or after an
 * operation takes effect, as a crash would).
 */
export class MemoryMailSystem implements MailSource, MailTarget {
  private readonly boxes = new Map<string, Mailbox>();
  private seq = 0;
  private stampClock = 1;
  pageSize = 3;
  /** Cursors at or below this stamp are expired. */
  expiredBelow = 0;
  /** `mayExist` of every write, in order. */
  readonly writesMayExist: (boolean | undefined)[] = [];
  readonly calls: Record<MemoryOperation, number> = { write: 0, find: 0, update: 0, remove: 0, openMime: 0, enumerate: 0, changes: 0 };
  private readonly faults: { op: MemoryOperation; after: boolean; error: () => Error }[] = [];

  box(address: string): Mailbox {
    let box = this.boxes.get(address);
    if (!box) {
      box = { folders: [{ id: 'inbox', path: ['Inbox'], role: 'inbox' }], messages: new Map(), log: [] };
      this.boxes.set(address, box);
    }
    return box;
  }

  addFolder(address: string, folder: SourceFolder): void {
    this.box(address).folders.push(folder);
  }

  add(address: string, message: Partial<MemoryMessage> & { folderIds: string[] }): MemoryMessage {
    const box = this.box(address);
    const stored: MemoryMessage = {
      id: message.id ?? `m${++this.seq}`,
      state: message.state ?? DEFAULT_STATE,
      mime: message.mime ?? Buffer.from(`Subject: test ${this.seq}\r\n\r\nbody ${this.seq}\r\n`),
      receivedAt: message.receivedAt ?? 1_700_000_000_000 + this.seq,
      stamp: this.stampClock++,
      ...message,
    };
    box.messages.set(stored.id, stored);
    box.log.push({ stamp: stored.stamp, id: stored.id, removed: false });
    return stored;
  }

  change(address: string, id: string, patch: Partial<Pick<MemoryMessage, 'state' | 'folderIds'>>): void {
    const box = this.box(address);
    const message = box.messages.get(id);
    if (!message) throw new Error('no such message');
    Object.assign(message, patch, { stamp: this.stampClock++ });
    box.log.push({ stamp: message.stamp, id, removed: false });
  }

  delete(address: string, id: string): void {
    const box = this.box(address);
    box.messages.delete(id);
    box.log.push({ stamp: this.stampClock++, id, removed: true });
  }

  messages(address: string): MemoryMessage[] {
    return [...this.box(address).messages.values()];
  }

  /** The next call of `op` throws; `after` makes it take effect first (a crash after the upload). */
  failNext(op: MemoryOperation, options: { after?: boolean; error?: () => Error } = {}): void {
    this.faults.push({ op, after: options.after ?? false, error: options.error ?? (() => new Error(`scripted ${op} failure`)) });
  }

  private async run<T>(op: MemoryOperation, effect: () => T | Promise<T>): Promise<T> {
    this.calls[op]++;
    const index = this.faults.findIndex((f) => f.op === op);
    const fault = index >= 0 ? this.faults.splice(index, 1)[0] : undefined;
    if (fault && !fault.after) throw fault.error();
    const result = await effect();
    if (fault) throw fault.error();
    return result;
  }

  // --- source ---
  listFolders(mailbox: MailboxRef): Promise<SourceFolder[]> {
    return Promise.resolve([...this.box(mailbox.address).folders]);
  }

  currentCursor(): Promise<string> {
    return Promise.resolve(String(this.stampClock - 1));
  }

  enumerate(mailbox: MailboxRef, pageToken: string | undefined): Promise<ItemPage> {
    return this.run('enumerate', () => {
      const all = [...this.box(mailbox.address).messages.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
      const start = pageToken ? Number(pageToken) : 0;
      const items = all.slice(start, start + this.pageSize).map(summary);
      return start + this.pageSize < all.length ? { items, next: String(start + this.pageSize) } : { items };
    });
  }

  changes(mailbox: MailboxRef, cursor: string, pageToken: string | undefined): Promise<ChangePage> {
    return this.run('changes', () => {
      const since = Number(cursor);
      if (since < this.expiredBelow) throw new CursorExpiredError('memory feed expired');
      const box = this.box(mailbox.address);
      const entries = box.log.filter((l) => l.stamp > since);
      const start = pageToken ? Number(pageToken) : 0;
      const slice = entries.slice(start, start + this.pageSize);
      const changed = new Map<string, SourceItemSummary>();
      const removed = new Set<string>();
      for (const entry of slice) {
        const message = box.messages.get(entry.id);
        if (entry.removed || !message) {
          removed.add(entry.id);
          changed.delete(entry.id);
        } else changed.set(entry.id, summary(message));
      }
      const more = start + this.pageSize < entries.length;
      const last = entries.at(-1)?.stamp ?? since;
      return more
        ? { changed: [...changed.values()], removed: [...removed], next: String(start + this.pageSize) }
        : { changed: [...changed.values()], removed: [...removed], cursor: String(last) };
    });
  }

  summaries(mailbox: MailboxRef, sourceIds: readonly string[]): Promise<(SourceItemSummary | null)[]> {
    const box = this.box(mailbox.address);
    return Promise.resolve(sourceIds.map((id) => {
      const m = box.messages.get(id);
      return m ? summary(m) : null;
    }));
  }

  openMime(mailbox: MailboxRef, sourceId: string): Promise<Readable> {
    return this.run('openMime', () => {
      const message = this.box(mailbox.address).messages.get(sourceId);
      if (!message) throw new Error('gone');
      return Readable.from([message.mime]);
    });
  }

  // --- target ---
  prepare(): Promise<void> {
    return Promise.resolve();
  }

  find(mailbox: MailboxRef, key: string): Promise<string | null> {
    return this.run('find', () => [...this.box(mailbox.address).messages.values()].find((m) => m.key === key)?.id ?? null);
  }

  write(mailbox: MailboxRef, message: MessageToWrite, signal: AbortSignal): Promise<WrittenMessage> {
    this.writesMayExist.push(message.mayExist);
    return this.run('write', async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await message.openMime(signal)) chunks.push(chunk as Buffer);
      const mime = Buffer.concat(chunks);
      const stored = this.add(mailbox.address, { folderIds: [message.placement.role ?? message.placement.path.join('/')], state: message.placement.state, mime, receivedAt: message.receivedAt, key: message.key, placement: message.placement });
      return { targetId: stored.id, bytes: mime.length, contentHash: createHash('sha256').update(mime).digest('hex') };
    });
  }

  update(mailbox: MailboxRef, update: MessageUpdate): Promise<void> {
    return this.run('update', () => {
      const message = this.box(mailbox.address).messages.get(update.targetId);
      if (message) Object.assign(message, { placement: update.placement, state: update.placement.state });
    });
  }

  remove(mailbox: MailboxRef, targetId: string): Promise<void> {
    return this.run('remove', () => void this.box(mailbox.address).messages.delete(targetId));
  }
}

function summary(m: MemoryMessage): SourceItemSummary {
  return { sourceId: m.id, folderIds: [...m.folderIds], state: m.state, changeStamp: String(m.stamp), size: m.mime.length, receivedAt: m.receivedAt };
}
