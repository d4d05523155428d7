import type { Readable } from 'node:stream';
import type { MailState, MailSystem, SourceFolder, SourceItemSummary, TargetPlacement } from '@ferry/migration/domain';

/**
 * One mailbox as the adapters see it. The address is needed to call the provider and is held in memory
 * only; logs, spans, events and errors name the mailbox by `pseudonym` (keyed HMAC) instead.
 */
export interface MailboxRef {
  readonly orgId: string;
  readonly connectorId: string;
  readonly system: MailSystem;
  readonly address: string;
  readonly pseudonym: string;
  /** Pseudonymised tenant/app scope for shared throttle budgets (connector id is fine: it names an app and tenant). */
  readonly tenantKey: string;
}

/** A page of an enumeration or change feed. */
export interface ItemPage {
  readonly items: readonly SourceItemSummary[];
  /** Opaque token for the next page; absent on the last page. */
  readonly next?: string;
}

/** What changed since a cursor. `removed` lists source ids that left the mailbox (or were moved out of reach). */
export interface ChangePage {
  /** Items added or whose state, place or content changed, with their current summary. */
  readonly changed: readonly SourceItemSummary[];
  readonly removed: readonly string[];
  readonly next?: string;
  /** The cursor to store once every page was consumed (on the last page). */
  readonly cursor?: string;
}

/** The change feed token has expired (Gmail 404 on history, Graph 410, IMAP UIDVALIDITY change): enumerate instead. */
export class CursorExpiredError extends Error {
  constructor(readonly detail: string) {
    super(`change feed cursor expired: ${detail}`);
    this.name = 'CursorExpiredError';
  }
}

/**
 * A source of mail (Gmail, Graph, IMAP). Every method may be called by any worker at any time; state
 * lives in cursors and page tokens the caller stores, never in the adapter.
 */
export interface MailSource {
  listFolders(mailbox: MailboxRef, signal: AbortSignal): Promise<SourceFolder[]>;
  /** A cursor for "now", taken before a full enumeration so the next delta pass misses nothing. */
  currentCursor(mailbox: MailboxRef, signal: AbortSignal): Promise<string>;
  /** Every item, page by page (all folders; Gmail: every message once, with all its labels). */
  enumerate(mailbox: MailboxRef, pageToken: string | undefined, signal: AbortSignal): Promise<ItemPage>;
  /** Changes since `cursor`, page by page; throws CursorExpiredError when the feed cannot answer. */
  changes(mailbox: MailboxRef, cursor: string, pageToken: string | undefined, signal: AbortSignal): Promise<ChangePage>;
  /** The current summary of some items (null for items that are gone), e.g. to re-read state for an update. */
  summaries(mailbox: MailboxRef, sourceIds: readonly string[], signal: AbortSignal): Promise<(SourceItemSummary | null)[]>;
  /**
   * Opens the item's original MIME as a stream. May be called more than once for the same item (a
   * target that needs two passes over a large message); each call streams from the source again.
   */
  openMime(mailbox: MailboxRef, sourceId: string, signal: AbortSignal): Promise<Readable>;
}

/** A message to write to a target. */
export interface MessageToWrite {
  /** Idempotency key (see `idempotencyKey`): carried by the copy so a retry finds it. */
  readonly key: string;
  readonly placement: TargetPlacement;
  readonly receivedAt: number;
  /** Size in bytes the source reported (0 when unknown); used to choose small or large upload paths. */
  readonly size: number;
  /** Opens the original MIME; may be called more than once. */
  openMime(signal: AbortSignal): Promise<Readable>;
  /**
   * False when no earlier attempt can have written this item (its first delivery): a target that can
   * only look for an earlier copy while writing (Gmail searches by the source's Message-ID) skips that
   * search. Absent means it may exist.
   */
  readonly mayExist?: boolean;
}

/** A copy the target took. */
export interface WrittenMessage {
  readonly targetId: string;
  /** Bytes sent to the target (MIME or its translation). */
  readonly bytes: number;
  /** SHA-256 (hex) of the MIME read from the source. */
  readonly contentHash: string;
}

/** A state change for a copy already on the target. */
export interface MessageUpdate {
  readonly targetId: string;
  readonly placement: TargetPlacement;
}

/**
 * A target of mail (Graph, Gmail; IMAP targets are out of scope). Writes are idempotent through the
 * key: `find` answers whether a complete copy exists, `write` never leaves a partial copy that `find`
 * would take for complete.
 */
export interface MailTarget {
  /** Creates missing folders/labels for the placements (idempotent); cheap when they exist. */
  prepare(mailbox: MailboxRef, placements: readonly TargetPlacement[], signal: AbortSignal): Promise<void>;
  /** The target id of a complete copy carrying `key`, or null. Removes a partial copy it finds. */
  find(mailbox: MailboxRef, key: string, signal: AbortSignal): Promise<string | null>;
  write(mailbox: MailboxRef, message: MessageToWrite, signal: AbortSignal): Promise<WrittenMessage>;
  update(mailbox: MailboxRef, update: MessageUpdate, signal: AbortSignal): Promise<void>;
  /** Removes (to the target's deleted items/trash) a copy; a copy already gone is not an error. */
  remove(mailbox: MailboxRef, targetId: string, signal: AbortSignal): Promise<void>;
}

/** Adapters per system; infra registers one per kind it supports. */
export interface MailAdapters {
  source(system: MailSystem): MailSource;
  target(system: MailSystem): MailTarget;
}

/** An item the target refuses for good (too large, corrupt MIME): recorded per item, the pass goes on. */
export class ItemRejectedError extends Error {
  constructor(readonly reason: ItemFailureReason, readonly detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'ItemRejectedError';
  }
}

/**
 * Why an item failed, as reports count them. `interrupted`: no attempt at its batch finished (the
 * worker was stopped or killed during each delivery), so the queue gave it up.
 */
export type ItemFailureReason = 'too-large' | 'corrupt' | 'refused-by-target' | 'gone-from-source' | 'transient-exhausted' | 'interrupted' | 'internal';

/** Re-exported so adapters need one import. */
export type { MailState };
