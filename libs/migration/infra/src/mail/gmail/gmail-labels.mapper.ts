import {
  GMAIL_STATE_LABELS,
  gmailLabelKind,
  gmailLabelOfRole,
  gmailLabelsOfState,
  gmailRoleOfLabel,
  type SourceFolder,
  type TargetPlacement,
} from '@ferry/migration/domain';

/** The names Gmail shows for its place-like system labels (the ids are the same in every language). */
const ROLE_LABEL_NAMES: Readonly<Record<string, string>> = {
  INBOX: 'Inbox',
  SENT: 'Sent',
  DRAFT: 'Drafts',
  SPAM: 'Spam',
  TRASH: 'Trash',
};

/** A label as labels.list returns it (the fields the adapters read). */
export interface GmailLabel {
  readonly id?: string | null;
  readonly name?: string | null;
  readonly type?: string | null;
}

/**
 * A Gmail label as a source folder: user labels by their `/`-nested name, the place-like system labels
 * (INBOX, SENT, DRAFT, SPAM, TRASH) with their role, and every other system label (STARRED, UNREAD,
 * IMPORTANT, CHAT, CATEGORY_*, any future one) as state only, never a folder.
 */
export function folderOfLabel(label: GmailLabel): SourceFolder | null {
  const id = label.id ?? '';
  if (id === '') return null;
  if (label.type === 'user') {
    const path = (label.name ?? '').split('/').filter((segment) => segment !== '');
    return { id, path: path.length > 0 ? path : [id], role: null };
  }
  const role = gmailRoleOfLabel(id);
  if (role) return { id, path: [ROLE_LABEL_NAMES[id] ?? id], role };
  return { id, path: [label.name ?? id], role: null, stateOnly: true };
}

/** Where a label id sorts in `folderIds` (most specific place first): trash and spam override any label. */
const RANK: Readonly<Record<string, number>> = { TRASH: 0, SPAM: 1, DRAFT: 2, SENT: 4, INBOX: 5 };

/** A message's labels, most specific first: TRASH, SPAM, DRAFT, user labels, SENT, INBOX, the rest. */
export function orderLabelIds(labelIds: readonly string[]): string[] {
  const rank = (id: string) => RANK[id] ?? (gmailLabelKind(id) === 'user' ? 3 : 6);
  return labelIds
    .map((id, index) => ({ id, index }))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.index - b.index)
    .map((x) => x.id);
}

/**
 * The user label names a placement needs, parents before children: Gmail nests labels by name, and a
 * child shows under its parent only when the parent exists. Names in a placement are already safe and
 * collision-free for Gmail (`placeItem` plans them), so the path is only joined with `/`.
 */
export function userLabelNames(placement: TargetPlacement): string[] {
  const names: string[] = [];
  for (const name of placedUserLabelNames(placement)) {
    const parts = name.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (!names.includes(prefix)) names.push(prefix);
    }
  }
  return names;
}

/** The user label names a placement puts on the message itself: its path's, and its extra labels. */
export function placedUserLabelNames(placement: TargetPlacement): string[] {
  const path = placement.path.length > 0 ? [placement.path.join('/')] : [];
  return [...new Set([...path, ...placement.extraLabels.filter((l) => l !== '')])];
}

/** The system labels a placement sets: its role's (none for archive) and its state's. */
export function systemLabelIds(placement: TargetPlacement): string[] {
  const role = placement.role ? gmailLabelOfRole(placement.role) : null;
  return [...(role ? [role] : []), ...gmailLabelsOfState(placement.state)];
}

/**
 * The labels `update` manages on a copy: the place-like system labels but DRAFT (messages.modify can
 * neither set nor clear it), the state labels, and user labels. CATEGORY_* and the like stay as they are.
 */
export function isManagedLabel(labelId: string): boolean {
  if (labelId === 'DRAFT') return false;
  const kind = gmailLabelKind(labelId);
  return kind === 'place' || kind === 'user' || (GMAIL_STATE_LABELS as readonly string[]).includes(labelId);
}
