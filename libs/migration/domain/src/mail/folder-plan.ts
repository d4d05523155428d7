import type { MailState, SystemFolder } from './mail-item';

/**
 * Where a copied message goes on the target and what it carries besides: the target adapter creates
 * folders from `path` (or resolves `role` to the well-known folder) and applies the rest.
 */
export interface TargetPlacement {
  /** The folder (Graph, IMAP) or primary label (Gmail) path; empty with a role. */
  readonly path: readonly string[];
  readonly role: SystemFolder | null;
  /** Further labels (Gmail target) or categories (Graph target) from extra source labels. */
  readonly extraLabels: readonly string[];
  readonly state: MailState;
}
