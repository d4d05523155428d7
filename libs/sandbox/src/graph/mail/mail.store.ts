import type { ContentSource } from '../../content/content-source';
import type { MailAddress } from '../../content/seeded-mime';
import { seededExchangeId } from '../../scenario/deterministic';
import type { MailScenario } from './mail-scenario.schema';

/** Well-known folder names Graph accepts in place of an id, with their English display names. */
export const WELL_KNOWN_FOLDERS = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  archive: 'Archive',
  outbox: 'Outbox',
} as const;
export type WellKnownFolder = keyof typeof WELL_KNOWN_FOLDERS | 'msgfolderroot';

export interface MailFolderRecord {
  readonly id: string;
  displayName: string;
  /** For `msgfolderroot`, the id of the mailbox's (unlisted) root, as Exchange reports it. */
  readonly parentId: string;
  readonly wellKnown?: WellKnownFolder;
  readonly isHidden: boolean;
  readonly childIds: string[];
  /** Newest received first; seeding appends in that order so no sort is ever needed. */
  readonly messages: MessageRecord[];
  unread: number;
}

export interface Recipient {
  readonly name: string;
  readonly address: string;
}

export interface ExtendedPropertyValue {
  /** Normalised property id (`String {guid} Name x`, `Integer 0xe07`). */
  readonly id: string;
  readonly value: string;
}

export interface AttachmentRecord {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly isInline: boolean;
  readonly contentId: string | null;
  readonly lastModifiedMs: number;
  readonly content: ContentSource;
}

/** A message a client created (from MIME or JSON): its own fields, not derivable from the seed. */
export interface LandedContent {
  readonly subject: string;
  readonly from: Recipient | null;
  readonly to: readonly Recipient[];
  readonly cc: readonly Recipient[];
  readonly bcc: readonly Recipient[];
  readonly replyTo: readonly Recipient[];
  readonly body: { readonly contentType: 'text' | 'html'; readonly content: string };
  readonly internetMessageId: string;
  readonly sentMs: number | null;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** The uploaded MIME as sent (MIME-created messages only). */
  readonly mime?: ContentSource;
}

export interface FollowupFlag {
  readonly flagStatus: 'notFlagged' | 'complete' | 'flagged';
  readonly startDateTime?: { dateTime: string; timeZone: string };
  readonly dueDateTime?: { dateTime: string; timeZone: string };
  readonly completedDateTime?: { dateTime: string; timeZone: string };
}

/** Rarely-set state, kept off the hot record so a seeded message costs a few hundred bytes. */
export interface MessageExtras {
  createdMs?: number;
  flag?: FollowupFlag;
  categories?: readonly string[];
  importance?: 'low' | 'normal' | 'high';
  subject?: string;
  extended?: ExtendedPropertyValue[];
  landed?: LandedContent;
  /** Attachments added through the API (for a seeded message: besides its seeded ones). */
  attachments?: AttachmentRecord[];
}

export interface MessageRecord {
  readonly id: string;
  folder: MailFolderRecord;
  /** Index of the seeded message this was generated from; -1 for a message a client created. */
  readonly seq: number;
  readonly receivedMs: number;
  lastModifiedMs: number;
  /** The mailbox change sequence of the last change: what delta tokens compare against. */
  changeSeq: number;
  isRead: boolean;
  readonly isDraft: boolean;
  extras?: MessageExtras;
}

export interface Tombstone {
  readonly id: string;
  readonly folderId: string;
  readonly seq: number;
}

/** What seeded content of one mailbox derives from. */
export interface MailboxProfile {
  readonly key: string;
  readonly owner: MailAddress;
  readonly peers: readonly MailAddress[];
  readonly domain: string;
  readonly scenario: MailScenario;
}

/** How many removals a mailbox remembers for delta; past it, older delta tokens go stale (as Exchange's bounded token cache does). */
export const TOMBSTONE_CAPACITY = 20_000;

/** One user's mailbox: folders, compact message records, change sequence and delta state. */
export class Mailbox {
  readonly folders = new Map<string, MailFolderRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly wellKnown = new Map<WellKnownFolder, MailFolderRecord>();
  /** `normalisedId \0 value` -> messages: the idempotency-key filter Ferry runs per item must not scan. */
  readonly extendedIndex = new Map<string, Set<MessageRecord>>();
  changeSeq = 1;
  /** Bumped to invalidate every delta token of this mailbox. */
  deltaEpoch = 0;
  /** Tokens issued before this sequence can no longer be answered (their removals were pruned). */
  staleBefore = 0;
  tombstones: Tombstone[] = [];
  private sorted?: { seq: number; items: MessageRecord[] };

  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly profile: MailboxProfile,
  ) {}

  get root(): MailFolderRecord {
    const root = this.wellKnown.get('msgfolderroot');
    if (!root) throw new Error('mailbox without a root folder');
    return root;
  }

  /** A folder by id or well-known name (case-insensitive, as Graph accepts it). */
  folder(idOrName: string): MailFolderRecord | undefined {
    return this.folders.get(idOrName) ?? this.wellKnown.get(idOrName.toLowerCase() as WellKnownFolder);
  }

  newId(kind: string): string {
    return seededExchangeId(`${this.profile.key}/${kind}/${this.changeSeq++}/${this.messages.size}`);
  }

  /** Adds a folder under `parent`; 'exists' when a sibling has the same name (Exchange compares case-insensitively). */
  addFolder(parent: MailFolderRecord | null, displayName: string, options: { id?: string; wellKnown?: WellKnownFolder; isHidden?: boolean } = {}): MailFolderRecord | 'exists' {
    if (parent) {
      const lower = displayName.toLowerCase();
      if (parent.childIds.some((c) => this.folders.get(c)?.displayName.toLowerCase() === lower)) return 'exists';
    }
    const id = options.id ?? this.newId('folder');
    const folder: MailFolderRecord = {
      id,
      displayName,
      parentId: parent ? parent.id : seededExchangeId(`${this.profile.key}/top`),
      isHidden: options.isHidden ?? false,
      childIds: [],
      messages: [],
      unread: 0,
      ...(options.wellKnown ? { wellKnown: options.wellKnown } : {}),
    };
    this.folders.set(id, folder);
    if (options.wellKnown) this.wellKnown.set(options.wellKnown, folder);
    parent?.childIds.push(id);
    return folder;
  }

  /** Deletes a folder, its subfolders and their messages (the messages leave delta as removed). */
  removeFolder(folder: MailFolderRecord): void {
    for (const child of [...folder.childIds]) {
      const c = this.folders.get(child);
      if (c) this.removeFolder(c);
    }
    for (const m of [...folder.messages]) this.remove(m);
    this.folders.delete(folder.id);
    const parent = this.folders.get(folder.parentId);
    if (parent) parent.childIds.splice(parent.childIds.indexOf(folder.id), 1);
  }

  /** The folder's path from the root, e.g. `Inbox/Projets/été`. */
  pathOf(folder: MailFolderRecord): string {
    const parts: string[] = [];
    for (let f: MailFolderRecord | undefined = folder; f && f.wellKnown !== 'msgfolderroot'; f = this.folders.get(f.parentId)) parts.unshift(f.displayName);
    return parts.join('/');
  }

  /** Seeding path: records arrive newest first, so appending keeps each folder sorted. */
  appendSeeded(record: MessageRecord): void {
    this.messages.set(record.id, record);
    record.folder.messages.push(record);
    if (!record.isRead) record.folder.unread++;
  }

  insert(record: MessageRecord): void {
    this.messages.set(record.id, record);
    const list = record.folder.messages;
    list.splice(firstAtOrBefore(list, record.receivedMs), 0, record);
    if (!record.isRead) record.folder.unread++;
    for (const p of record.extras?.extended ?? []) this.indexProperty(record, p);
    this.touch(record);
  }

  /** Records a change: the message shows up in the next delta round of its folder. */
  touch(record: MessageRecord, nowMs?: number): void {
    record.changeSeq = this.changeSeq++;
    if (nowMs !== undefined) record.lastModifiedMs = nowMs;
  }

  setRead(record: MessageRecord, isRead: boolean): void {
    if (record.isRead === isRead) return;
    record.folder.unread += isRead ? -1 : 1;
    record.isRead = isRead;
  }

  remove(record: MessageRecord): void {
    this.detach(record);
    this.messages.delete(record.id);
    for (const p of record.extras?.extended ?? []) this.extendedIndex.get(indexKey(p))?.delete(record);
  }

  /** Moves a message; Exchange gives a moved item a new id unless the caller asked for immutable ids. */
  move(record: MessageRecord, destination: MailFolderRecord, newId: string | undefined, nowMs: number): MessageRecord {
    this.remove(record);
    const moved: MessageRecord = { ...record, id: newId ?? record.id, folder: destination, lastModifiedMs: nowMs };
    this.insert(moved);
    return moved;
  }

  setProperty(record: MessageRecord, property: ExtendedPropertyValue): void {
    const extras = (record.extras ??= {});
    const list = (extras.extended ??= []);
    const at = list.findIndex((p) => p.id === property.id);
    if (at >= 0) {
      const old = list[at];
      if (old) this.extendedIndex.get(indexKey(old))?.delete(record);
      list[at] = property;
    } else list.push(property);
    this.indexProperty(record, property);
  }

  /** Messages carrying the property with exactly this value. */
  withProperty(id: string, value: string): readonly MessageRecord[] {
    return [...(this.extendedIndex.get(`${id}\u0000${value}`) ?? [])];
  }

  /** Every message of the mailbox, newest first (cached until the next change). */
  allMessages(): readonly MessageRecord[] {
    if (this.sorted?.seq !== this.changeSeq) {
      const items = [...this.messages.values()].sort((a, b) => b.receivedMs - a.receivedMs);
      this.sorted = { seq: this.changeSeq, items };
    }
    return this.sorted.items;
  }

  /** Makes every delta token issued so far stale (the inspection API's "expire tokens"). */
  expireDeltaTokens(): void {
    this.deltaEpoch++;
  }

  private detach(record: MessageRecord): void {
    const list = record.folder.messages;
    let at = firstAtOrBefore(list, record.receivedMs);
    while (at < list.length && list[at] !== record) at++;
    if (at < list.length) list.splice(at, 1);
    if (!record.isRead) record.folder.unread--;
    this.tombstones.push({ id: record.id, folderId: record.folder.id, seq: this.changeSeq++ });
    if (this.tombstones.length > TOMBSTONE_CAPACITY) {
      const dropped = this.tombstones.splice(0, this.tombstones.length - TOMBSTONE_CAPACITY);
      this.staleBefore = (dropped[dropped.length - 1]?.seq ?? 0) + 1;
    }
  }

  private indexProperty(record: MessageRecord, p: ExtendedPropertyValue): void {
    const key = indexKey(p);
    let set = this.extendedIndex.get(key);
    if (!set) this.extendedIndex.set(key, (set = new Set()));
    set.add(record);
  }
}

const indexKey = (p: ExtendedPropertyValue): string => `${p.id}\u0000${p.value}`;

/** In a newest-first list, the first position whose message was received at or before `ms` (binary search). */
function firstAtOrBefore(list: readonly MessageRecord[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.receivedMs ?? 0) > ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** All mailboxes, by tenant and user id; a user added after seeding gets an empty mailbox on first use. */
export class MailStore {
  private readonly mailboxes = new Map<string, Mailbox>();

  get(tenantId: string, userId: string): Mailbox | undefined {
    return this.mailboxes.get(`${tenantId}/${userId}`);
  }

  set(mailbox: Mailbox): void {
    this.mailboxes.set(`${mailbox.tenantId}/${mailbox.userId}`, mailbox);
  }

  all(): IterableIterator<Mailbox> {
    return this.mailboxes.values();
  }
}
