import type { ContentSource } from '../../content/content-source';

/** Gmail keeps history records for about a week (developers.google.com/gmail/api/guides/sync). */
export const HISTORY_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** The system labels every mailbox has (developers.google.com/gmail/api/guides/labels). */
export const SYSTEM_LABEL_IDS = [
  'CHAT',
  'SENT',
  'INBOX',
  'IMPORTANT',
  'TRASH',
  'DRAFT',
  'SPAM',
  'CATEGORY_FORUMS',
  'CATEGORY_UPDATES',
  'CATEGORY_PERSONAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'STARRED',
  'UNREAD',
] as const;
const SYSTEM = new Set<string>(SYSTEM_LABEL_IDS);

export interface UserLabel {
  readonly id: string;
  name: string;
  messageListVisibility: 'show' | 'hide';
  labelListVisibility: 'labelShow' | 'labelShowIfUnread' | 'labelHide';
  color?: { textColor: string; backgroundColor: string };
}

/** A message that arrived through import/insert (or the inspection API): its kept bytes and parsed headers. */
export interface LandedMime {
  readonly content: ContentSource;
  /** Top-level headers, unfolded and decoded, in order (capped). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly messageId: string;
  readonly subject: string;
  readonly snippet: string;
}

/**
 * One message, kept as compact metadata. A seeded message (`landed` undefined) regenerates its MIME
 * from the mailbox seed and `seq`, so a 100k-message mailbox costs a few hundred bytes per message.
 */
export class MessageRecord {
  constructor(
    readonly id: string,
    readonly threadId: string,
    public labelIds: string[],
    readonly internalDate: number,
    public historyId: number,
    readonly sizeEstimate: number,
    /** Index in the seed sequence (-1 for landed messages). */
    readonly seq: number,
    /** Seed index of the thread's first message (-1 for landed messages). */
    readonly rootSeq: number,
    readonly landed: LandedMime | undefined,
  ) {}
}

export type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';
export const HISTORY_TYPES: readonly HistoryType[] = [
  'messageAdded',
  'messageDeleted',
  'labelAdded',
  'labelRemoved',
];

export interface HistoryRecord {
  readonly id: number;
  readonly at: number;
  readonly type: HistoryType;
  readonly messageId: string;
  readonly threadId: string;
  /** The labels added or removed (label changes only). */
  readonly changed: readonly string[];
  /** The message's labels right after the change. */
  readonly labelsAfter: readonly string[];
}

/** One user's mailbox: user labels, messages, and the history log every mutation appends to. */
export class Mailbox {
  readonly labels = new Map<string, UserLabel>();
  readonly messages = new Map<string, MessageRecord>();
  /** Landed messages by lower-cased Message-ID header (seeded ones derive theirs from the id). */
  readonly landedByMessageId = new Map<string, string>();
  history: HistoryRecord[] = [];
  /** A `startHistoryId` below this is no longer answerable (404, as Gmail answers). */
  historyFloor: number;
  private nextLabel = 1;
  private landedCount = 0;
  private ordered: MessageRecord[] | undefined;

  constructor(
    readonly email: string,
    /** Seed path every generated id and byte of this mailbox derives from. */
    readonly seed: string,
    public historyId: number,
  ) {
    this.historyFloor = historyId;
  }

  isSystemLabel(id: string): boolean {
    return SYSTEM.has(id);
  }

  hasLabel(id: string): boolean {
    return SYSTEM.has(id) || this.labels.has(id);
  }

  labelByName(name: string): UserLabel | undefined {
    const needle = name.toLowerCase();
    for (const l of this.labels.values()) if (l.name.toLowerCase() === needle) return l;
    return undefined;
  }

  /** Every mutation moves the mailbox's history id forward. */
  bump(): number {
    this.historyId += 1;
    return this.historyId;
  }

  newLabelId(): string {
    return `Label_${this.nextLabel++}`;
  }

  /** A sequence number for ids of landed messages, so they stay deterministic per mailbox. */
  nextLandedSeq(): number {
    return this.landedCount++;
  }

  /** Messages newest first (Gmail lists by internal date, descending). */
  orderedMessages(): readonly MessageRecord[] {
    this.ordered ??= [...this.messages.values()].sort(
      (a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1),
    );
    return this.ordered;
  }

  /** Adds a seeded message without history (it predates the history window). */
  seedMessage(rec: MessageRecord): void {
    this.messages.set(rec.id, rec);
    this.ordered = undefined;
  }

  addMessage(rec: MessageRecord, at: number): void {
    this.messages.set(rec.id, rec);
    if (rec.landed?.messageId) this.landedByMessageId.set(rec.landed.messageId.toLowerCase(), rec.id);
    this.ordered = undefined;
    this.record(at, 'messageAdded', rec, []);
  }

  deleteMessage(rec: MessageRecord, at: number): void {
    this.messages.delete(rec.id);
    if (rec.landed?.messageId && this.landedByMessageId.get(rec.landed.messageId.toLowerCase()) === rec.id)
      this.landedByMessageId.delete(rec.landed.messageId.toLowerCase());
    this.ordered = undefined;
    this.record(at, 'messageDeleted', rec, []);
  }

  /** Applies label changes; records labelAdded/labelRemoved only for labels that actually changed. */
  modifyLabels(rec: MessageRecord, add: readonly string[], remove: readonly string[], at: number): void {
    const before = new Set(rec.labelIds);
    const after = new Set(rec.labelIds);
    for (const l of remove) after.delete(l);
    for (const l of add) after.add(l);
    const added = [...after].filter((l) => !before.has(l));
    const removed = [...before].filter((l) => !after.has(l));
    if (added.length === 0 && removed.length === 0) return;
    rec.labelIds = [...after];
    if (added.length > 0) this.record(at, 'labelAdded', rec, added);
    if (removed.length > 0) this.record(at, 'labelRemoved', rec, removed);
  }

  private record(at: number, type: HistoryType, rec: MessageRecord, changed: readonly string[]): void {
    const id = this.bump();
    rec.historyId = id;
    this.history.push({
      id,
      at,
      type,
      messageId: rec.id,
      threadId: rec.threadId,
      changed,
      labelsAfter: [...rec.labelIds],
    });
  }

  /** Drops records older than the retention window; starts before a dropped record become stale. */
  pruneHistory(now: number): void {
    let drop = 0;
    while (drop < this.history.length && (this.history[drop]?.at ?? now) < now - HISTORY_RETENTION_MS) drop++;
    if (drop === 0) return;
    this.historyFloor = Math.max(this.historyFloor, this.history[drop - 1]?.id ?? 0);
    this.history = this.history.slice(drop);
  }

  /** Makes every earlier `startHistoryId` stale, as if the history had aged out. */
  expireHistory(): void {
    this.history = [];
    this.historyFloor = this.bump();
  }
}
