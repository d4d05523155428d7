import type { MailState, SystemFolder } from './mail-item';

/**
 * Where a copied message goes on the target and what it carries besides: the target adapter creates
 * folders from `path` (or resolves `role` to the well-known folder) and applies the rest. Built by
 * `placeItem`; names in `path` are already safe and collision-free for the target.
 */
export interface TargetPlacement {
  /**
   * Graph: the folder path below the system folder `role` (below the mailbox root when `role` is
   * null; empty: the system folder itself), e.g. role `inbox` with `['Clients']` for `Inbox/Clients`.
   * Gmail: the user label path (`['Projects', 'Ferry']` is the label `Projects/Ferry`; empty: none).
   */
  readonly path: readonly string[];
  /** Graph: the well-known folder at or below which the message goes. Gmail: its system label (none for `archive`). */
  readonly role: SystemFolder | null;
  /** Further labels (Gmail target) or categories (Graph target) from extra source labels. */
  readonly extraLabels: readonly string[];
  readonly state: MailState;
}
