/** The kinds of system a project connects (the connector kinds that carry mail). */
export type MailSystem = 'google' | 'microsoft' | 'imap';

/** Folders every mail system has in some form; the folder mapping translates between them. */
export type SystemFolder = 'inbox' | 'sent' | 'drafts' | 'junk' | 'deleted' | 'archive';

/** Importance as Graph names it; Gmail's IMPORTANT label is `high`. */
export type Importance = 'low' | 'normal' | 'high';

/** A message's user-visible state, in the one vocabulary every adapter translates to and from. */
export interface MailState {
  readonly read: boolean;
  readonly flagged: boolean;
  readonly answered: boolean;
  readonly draft: boolean;
  readonly importance: Importance;
}

export const DEFAULT_STATE: MailState = { read: false, flagged: false, answered: false, draft: false, importance: 'normal' };

/**
 * A folder (Graph, IMAP) or label (Gmail) of a source mailbox. `path` is the hierarchy as the user
 * sees it (`['Projects', 'Ferry']`); `role` is set for system folders, whose names vary by language.
 */
export interface SourceFolder {
  /** Stable id in the source (Graph folder id, Gmail label id, IMAP path). */
  readonly id: string;
  readonly path: readonly string[];
  readonly role: SystemFolder | null;
  /** Gmail-only labels that are state, not place (STARRED, UNREAD, IMPORTANT, CATEGORY_*): never a folder. */
  readonly stateOnly?: boolean;
}

/**
 * What enumeration and change feeds report about one source item: ids, place, state and stamps.
 * Gmail messages can sit in several labels; Graph and IMAP messages in exactly one folder.
 */
export interface SourceItemSummary {
  readonly sourceId: string;
  /** Source folder/label ids, most specific first. */
  readonly folderIds: readonly string[];
  readonly state: MailState;
  /** Gmail historyId, Graph changeKey, IMAP MODSEQ; '' when the source has none. */
  readonly changeStamp: string;
  /** Size in bytes as the source reports it (0 when unknown). */
  readonly size: number;
  /** Received time (Gmail internalDate, Graph receivedDateTime, IMAP INTERNALDATE), epoch ms. */
  readonly receivedAt: number;
}
