import { createHash } from 'node:crypto';

/** The targets whose folder (Graph) or label (Gmail) names Ferry writes. */
export type NameTarget = 'microsoft' | 'google';

/**
 * Name limits, in UTF-16 code units (what the vendors count).
 * - Graph refuses a mailFolder `displayName` over 255 characters, and an empty or blank one.
 * - Gmail refuses a label name over 225 characters; the limit is on the whole name, parents and `/`
 *   separators included (`Projects/Ferry` is one label called so).
 * - Outlook categories are cut at 255 characters by Exchange (MS-OXCICAL 2.1.3.1.1.20.3).
 */
export const FOLDER_NAME_LIMITS = { graphFolder: 255, gmailLabel: 225, category: 255 } as const;

/** What an empty (or blank) source name becomes: both targets refuse empty names. */
export const UNNAMED = '(unnamed)';

/** Shortest room a segment needs: a few characters of its name and a disambiguating suffix. */
export const MIN_SEGMENT = 12;

/**
 * Names a Gmail user label cannot take, whatever the case: the system label ids, the names Gmail's UI
 * gives them, and the names its API has been seen to refuse with "Invalid label name" (Migrated, Muted,
 * Voicemail, ...). Reserved only as a whole label name, so only at the top level of a nested path.
 */
const GMAIL_RESERVED = new Set([
  'inbox',
  'sent',
  'sent mail',
  'draft',
  'drafts',
  'spam',
  'trash',
  'bin',
  'starred',
  'important',
  'unread',
  'chat',
  'chats',
  'all mail',
  'allmail',
  'snoozed',
  'scheduled',
  'outbox',
  'archive',
  'archived',
  'muted',
  'migrated',
  'todo',
  'todos',
  'buzz',
  'voicemail',
  'personal',
  'social',
  'promotions',
  'updates',
  'forums',
  '[gmail]',
  '[google mail]',
]);

/**
 * The display names of Exchange's default folders (English mailboxes). A root folder of these names
 * would be refused as a duplicate, or worse, found by name and taken for the real one, so that a Gmail
 * label "Archive" would merge into Outlook's Archive in an English mailbox and not in a German one.
 * Ferry never merges by name: such a folder is renamed, and system folders are reached by role only.
 */
const GRAPH_RESERVED_ROOT = new Set([
  'inbox',
  'drafts',
  'sent items',
  'deleted items',
  'junk email',
  'archive',
  'outbox',
  'conversation history',
  'sync issues',
  'conflicts',
  'local failures',
  'server failures',
  'clutter',
  'rss feeds',
  'rss subscriptions',
  'scheduled',
  'calendar',
  'contacts',
  'tasks',
  'notes',
  'journal',
  'recoverable items',
]);

/** Separators Exchange strips from category names (MS-OXCICAL 2.1.3.1.1.20.3); Outlook splits on them. */
const CATEGORY_SEPARATORS = /[,;\u061b\ufe54\uff1b]/g;

// C0 and C1 controls and the line/paragraph separators: they would break a name across lines.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * The text every target gets: NFC-normalised (so `é` typed two ways is one name), lone surrogates made
 * U+FFFD, control characters made spaces, blanks trimmed. Emoji, right-to-left text and its marks, and
 * combining characters are kept as they are.
 */
export function cleanName(raw: string): string {
  return raw.replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(CONTROLS, ' ').trim();
}

/**
 * One source path segment as a name on the target, before collisions are looked at.
 * - Graph: Exchange stores any character in a folder name (`/`, `\`, `&`, `<` included), so only the
 *   clean-up above applies, and the 255-character limit.
 * - Gmail: `/` nests labels, so a `/` inside one name becomes U+2215 (division slash), which reads the
 *   same; `\` means nothing to Gmail and is kept.
 * An empty result is `(unnamed)`. The segment limit here is the target's whole limit; the planner
 * shortens deeper Gmail segments further to keep the whole label name within 225.
 */
export function sanitiseSegment(raw: string, target: NameTarget): string {
  const cleaned = cleanName(raw);
  const replaced = target === 'google' ? cleaned.replace(/\//g, '\u2215') : cleaned;
  const limit = target === 'google' ? FOLDER_NAME_LIMITS.gmailLabel : FOLDER_NAME_LIMITS.graphFolder;
  return truncateName(replaced === '' ? UNNAMED : replaced, limit);
}

/** The key under which two names are the same name: Graph and Gmail both compare names ignoring case. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** True for a name the target keeps for itself at the top level (see the reserved lists above). */
export function isReservedRootName(name: string, target: NameTarget): boolean {
  const key = nameKey(name.trim());
  if (target === 'microsoft') return GRAPH_RESERVED_ROOT.has(key);
  return GMAIL_RESERVED.has(key) || key.startsWith('category_');
}

/**
 * Shortens `name` to at most `max` UTF-16 code units without splitting a grapheme (an emoji with its
 * modifiers, a letter with its combining marks), then trims trailing blanks.
 */
export function truncateName(name: string, max: number): string {
  if (name.length <= max) return name;
  let kept = '';
  for (const { segment } of graphemes.segment(name)) {
    if (kept.length + segment.length > max) break;
    kept += segment;
  }
  return kept.trimEnd();
}

/**
 * `name` with a suffix ` ~xxxxxx` derived from `seed` (a stable description of the source folder),
 * shortened so the whole fits `max`. Derived, not counted: adding a folder later never renames another.
 */
export function withSuffix(name: string, seed: string, max: number, hashLength = 6): string {
  const suffix = ` ~${createHash('sha256').update(seed).digest('hex').slice(0, hashLength)}`;
  const head = truncateName(name, Math.max(0, max - suffix.length));
  return `${head === '' ? UNNAMED.slice(0, Math.max(0, max - suffix.length)) : head}${suffix}`;
}

/**
 * An Outlook category for an extra Gmail label: its full name (`Projects/Ferry`), cleaned, with the
 * separators Outlook splits categories on removed and blank runs made one space (as Exchange itself
 * does), at most 255 characters; null when nothing is left.
 */
export function categoryName(path: readonly string[]): string | null {
  const joined = path.map(cleanName).join('/');
  const name = truncateName(
    joined.replace(CATEGORY_SEPARATORS, '').replace(/\s+/g, ' ').trim(),
    FOLDER_NAME_LIMITS.category,
  );
  return name === '' ? null : name;
}

/** Code-unit order: the same in every locale and runtime, so plans and lists are deterministic. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
