import { DEFAULT_STATE, type MailState, type SystemFolder } from './mail-item';

/**
 * Gmail's system label ids that are places, with the role each one is. Label ids are the same in
 * every language (the names Gmail shows are not).
 */
const GMAIL_ROLE_OF_LABEL: Readonly<Record<string, SystemFolder>> = {
  INBOX: 'inbox',
  SENT: 'sent',
  DRAFT: 'drafts',
  SPAM: 'junk',
  TRASH: 'deleted',
};

/** A role's system label on a Gmail target; `archive` is the absence of INBOX, so no label. */
const GMAIL_LABEL_OF_ROLE: Readonly<Record<SystemFolder, string | null>> = {
  inbox: 'INBOX',
  sent: 'SENT',
  drafts: 'DRAFT',
  junk: 'SPAM',
  deleted: 'TRASH',
  archive: null,
};

/** Graph's well-known folder names (locale-independent) for each role. */
const GRAPH_WELL_KNOWN_OF_ROLE: Readonly<Record<SystemFolder, string>> = {
  inbox: 'inbox',
  sent: 'sentitems',
  drafts: 'drafts',
  junk: 'junkemail',
  deleted: 'deleteditems',
  archive: 'archive',
};

const GRAPH_ROLE_OF_WELL_KNOWN: ReadonlyMap<string, SystemFolder> = new Map(
  Object.entries(GRAPH_WELL_KNOWN_OF_ROLE).map(([role, name]) => [name, role as SystemFolder]),
);

/** IMAP SPECIAL-USE attributes (RFC 6154) for each role; INBOX is a name, not an attribute (RFC 3501). */
const IMAP_ROLE_OF_SPECIAL_USE: ReadonlyMap<string, SystemFolder> = new Map([
  ['\\sent', 'sent'],
  ['\\drafts', 'drafts'],
  ['\\junk', 'junk'],
  ['\\trash', 'deleted'],
  ['\\archive', 'archive'],
]);

/** What a Gmail label id means for a copy: a place, a piece of state, nothing Ferry carries, or a user label. */
export type GmailLabelKind = 'place' | 'state' | 'ignored' | 'user';

/** Gmail's state labels: they say how a message looks, not where it is. */
export const GMAIL_STATE_LABELS = ['UNREAD', 'STARRED', 'IMPORTANT'] as const;

/**
 * Classifies a Gmail label id. CATEGORY_* (the inbox tabs) and CHAT are Gmail's own sorting with no
 * counterpart elsewhere, so they are ignored; any other upper-case id is taken for a system label
 * Gmail may add later and ignored too, while user labels (`Label_<n>`) are places.
 */
export function gmailLabelKind(labelId: string): GmailLabelKind {
  if (labelId in GMAIL_ROLE_OF_LABEL) return 'place';
  if ((GMAIL_STATE_LABELS as readonly string[]).includes(labelId)) return 'state';
  return /^[A-Z][A-Z0-9_]*$/.test(labelId) ? 'ignored' : 'user';
}

/** The role of a Gmail system label (`INBOX` -> `inbox`), or null for any other label. */
export function gmailRoleOfLabel(labelId: string): SystemFolder | null {
  return GMAIL_ROLE_OF_LABEL[labelId] ?? null;
}

/** The Gmail system label a role is (`junk` -> `SPAM`); null for `archive`, which in Gmail is "no INBOX". */
export function gmailLabelOfRole(role: SystemFolder): string | null {
  return GMAIL_LABEL_OF_ROLE[role];
}

/** The role of a Graph well-known folder name (`sentitems` -> `sent`, any case), or null. */
export function graphRoleOfWellKnown(wellKnownName: string): SystemFolder | null {
  return GRAPH_ROLE_OF_WELL_KNOWN.get(wellKnownName.toLowerCase()) ?? null;
}

/** The Graph well-known folder name of a role (`deleted` -> `deleteditems`), usable as `/mailFolders/{name}`. */
export function graphWellKnownOfRole(role: SystemFolder): string {
  return GRAPH_WELL_KNOWN_OF_ROLE[role];
}

/**
 * The role of an IMAP mailbox from its name and LIST attributes: `INBOX` by name (any case, as RFC
 * 3501 says), the others by SPECIAL-USE attribute; a server without SPECIAL-USE gives no roles beyond
 * the inbox (guessing from localised names would misfile a user's own "Sent" folder).
 */
export function imapRoleOf(path: readonly string[], attributes: Iterable<string>): SystemFolder | null {
  if (path.length === 1 && path[0]?.toUpperCase() === 'INBOX') return 'inbox';
  for (const attribute of attributes) {
    const role = IMAP_ROLE_OF_SPECIAL_USE.get(attribute.toLowerCase());
    if (role) return role;
  }
  return null;
}

/**
 * A message's state from its Gmail labels: UNREAD -> not read, STARRED -> flagged, IMPORTANT -> high
 * importance, DRAFT -> draft. Gmail has no answered flag, so `answered` comes from `base`.
 */
export function gmailStateOfLabels(labelIds: readonly string[], base: MailState = DEFAULT_STATE): MailState {
  const has = (id: string): boolean => labelIds.includes(id);
  return {
    ...base,
    read: !has('UNREAD'),
    flagged: has('STARRED'),
    draft: has('DRAFT'),
    importance: has('IMPORTANT') ? 'high' : base.importance === 'high' ? 'normal' : base.importance,
  };
}

/** The Gmail state labels a message in `state` carries (the inverse of `gmailStateOfLabels`, DRAFT aside). */
export function gmailLabelsOfState(state: MailState): string[] {
  return [
    ...(state.read ? [] : ['UNREAD']),
    ...(state.flagged ? ['STARRED'] : []),
    ...(state.importance === 'high' ? ['IMPORTANT'] : []),
  ];
}
