import type { TargetPlacement } from './folder-plan';
import { byCodeUnits, categoryName, nameKey, type NameTarget } from './folder-names';
import type { MailState, MailSystem, SourceFolder, SourceItemSummary, SystemFolder } from './mail-item';
import { gmailLabelKind, gmailRoleOfLabel } from './system-folders';
import { planTargetFolders, type TargetFolder } from './target-folders';

/** What happens to the labels of a Gmail message beyond the one that picks its folder. */
export interface PlacementPolicy {
  /** `categories`: they become Outlook categories; `ignore`: they are dropped. */
  readonly extraLabels: 'categories' | 'ignore';
}

/**
 * Which of a Gmail message's places wins its one folder, first wins:
 * 1. Trash, 2. Spam: the message is deleted or junk whatever else it carries; filing it anywhere else
 *    would bring it back to life.
 * 3. Drafts: a draft must stay where it can be edited and sent.
 * 4. Inbox: Gmail's Inbox shows every INBOX message, labelled or not; an Outlook Inbox missing the
 *    labelled ones looks like lost mail at cut-over. The labels still show as categories.
 * 5. A user label: labelling and archiving is how Gmail users file mail, and a label on a sent message
 *    is a deliberate filing of the conversation, while SENT is put on by Gmail itself.
 * 6. Sent.
 * No place at all (archived in Gmail, "All Mail" only): the Archive folder.
 * Of several user labels the deepest wins (`Projects/Ferry` over `Projects`), then source name order,
 * so the choice never depends on the order Gmail lists labels in.
 */
const RANK: Readonly<Record<SystemFolder | 'label', number>> = {
  deleted: 0,
  junk: 1,
  drafts: 2,
  inbox: 3,
  label: 4,
  sent: 5,
  archive: 6,
};

interface Place {
  readonly folder: SourceFolder;
  readonly target: TargetFolder;
}

const plans = new WeakMap<ReadonlyMap<string, SourceFolder>, Map<NameTarget, Map<string, TargetFolder>>>();

/**
 * Where a copy of `summary` goes on the target, with the state it carries.
 *
 * - Gmail -> Graph: one folder by the rule above; the other user labels become categories (policy
 *   `categories`) or are dropped (`ignore`); other system labels are dropped; STARRED -> flagged,
 *   UNREAD -> unread, IMPORTANT -> high importance, DRAFT -> draft (a label present wins over
 *   `summary.state`); CATEGORY_* and CHAT are ignored.
 * - Graph or IMAP -> Gmail: the folder's label, path-joined by the adapter (`['Projects', 'Ferry']` is
 *   `Projects/Ferry`); system folders become system labels, Archive none (archived); state carried.
 * - IMAP -> Graph: folder path to folder path, system folders to well-known folders.
 * Names are made safe and collision-free for the target over the whole folder set (`planTargetFolders`),
 * so `folders` must be every folder of the mailbox; it is read as immutable (the plan is memoised on it).
 * An item whose folders are all unknown goes to Archive rather than being dropped.
 */
export function placeItem(
  summary: SourceItemSummary,
  folders: ReadonlyMap<string, SourceFolder>,
  source: MailSystem,
  target: MailSystem,
  policy: PlacementPolicy,
): TargetPlacement {
  if (target === 'imap' || source === target)
    throw new RangeError(`mail placement from ${source} to ${target} is not supported`);
  const plan = planFor(folders, target);
  const places = summary.folderIds.flatMap((id) => placeOf(id, folders, plan, source));
  const state = source === 'google' ? withGmailStateLabels(summary.state, summary.folderIds) : summary.state;
  const [primary, ...others] = places.sort(byRank);
  if (!primary) return { path: [], role: 'archive', extraLabels: [], state };
  const extraLabels =
    target === 'microsoft' && policy.extraLabels === 'categories' ? categoriesOf(others) : [];
  return { path: primary.target.path, role: primary.target.role, extraLabels, state };
}

function planFor(folders: ReadonlyMap<string, SourceFolder>, target: NameTarget): Map<string, TargetFolder> {
  let byTarget = plans.get(folders);
  if (!byTarget) plans.set(folders, (byTarget = new Map<NameTarget, Map<string, TargetFolder>>()));
  let plan = byTarget.get(target);
  if (!plan) byTarget.set(target, (plan = planTargetFolders(folders.values(), target)));
  return plan;
}

function placeOf(
  id: string,
  folders: ReadonlyMap<string, SourceFolder>,
  plan: ReadonlyMap<string, TargetFolder>,
  source: MailSystem,
): Place[] {
  // Gmail's place and state labels are read from their ids whatever the adapter listed: they are the same everywhere.
  const kind = source === 'google' ? gmailLabelKind(id) : 'user';
  if (kind === 'state' || kind === 'ignored') return [];
  const role = kind === 'place' ? gmailRoleOfLabel(id) : null;
  if (role) return [{ folder: { id, path: [], role }, target: { role, path: [] } }];
  const folder = folders.get(id);
  const target = plan.get(id);
  return folder && target && !folder.stateOnly ? [{ folder, target }] : [];
}

function byRank(a: Place, b: Place): number {
  return (
    RANK[a.folder.role ?? 'label'] - RANK[b.folder.role ?? 'label'] ||
    b.folder.path.length - a.folder.path.length ||
    byCodeUnits(a.folder.path.join('/'), b.folder.path.join('/')) ||
    byCodeUnits(a.folder.id, b.folder.id)
  );
}

/** The user labels that did not pick the folder, as categories: distinct ignoring case, in name order. */
function categoriesOf(others: readonly Place[]): string[] {
  const byKey = new Map<string, string>();
  for (const place of others) {
    if (place.folder.role) continue;
    const name = categoryName(place.folder.path);
    if (name !== null && !byKey.has(nameKey(name))) byKey.set(nameKey(name), name);
  }
  return [...byKey.values()].sort(byCodeUnits);
}

/** Gmail state labels present on the message override the summary's state; absent ones leave it. */
function withGmailStateLabels(state: MailState, labelIds: readonly string[]): MailState {
  const has = (id: string): boolean => labelIds.includes(id);
  return {
    ...state,
    read: has('UNREAD') ? false : state.read,
    flagged: has('STARRED') || state.flagged,
    draft: has('DRAFT') || state.draft,
    importance: has('IMPORTANT') ? 'high' : state.importance,
  };
}
