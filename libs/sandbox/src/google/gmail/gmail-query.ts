import type { Mailbox, MessageRecord } from './gmail.store';

/** What a query term may need to know about a message beyond its record (computed lazily). */
export interface MessageFacts {
  subject(rec: MessageRecord): string;
  messageIdHeader(rec: MessageRecord): string;
}

export interface ParsedQuery {
  readonly matches: (rec: MessageRecord) => boolean;
  /** Whether the query names SPAM or TRASH itself (then they are not excluded by default). */
  readonly namesSpamOrTrash: boolean;
}

type Term = (rec: MessageRecord) => boolean;

const IN_LABELS: Readonly<Record<string, string>> = {
  inbox: 'INBOX',
  sent: 'SENT',
  trash: 'TRASH',
  spam: 'SPAM',
  draft: 'DRAFT',
  drafts: 'DRAFT',
  starred: 'STARRED',
  important: 'IMPORTANT',
  unread: 'UNREAD',
  chats: 'CHAT',
};

function tokenize(q: string): string[] {
  const out: string[] = [];
  const re = /(-?[A-Za-z0-9_]+:)?("[^"]*"|\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) out.push(m[0]);
  return out;
}

/** `after:`/`before:` take YYYY/MM/DD (read as UTC; Gmail uses the user's time zone) or epoch seconds. */
function parseDate(value: string): number | undefined {
  if (/^\d{9,11}$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Gmail matches `label:` names case-insensitively, with spaces and slashes written as '-'. */
function normaliseLabelName(name: string): string {
  return name.toLowerCase().replace(/[\s/]+/g, '-');
}

function labelTerm(mailbox: Mailbox, value: string): { term: Term; spamTrash: boolean } {
  const wanted = normaliseLabelName(value);
  const system =
    IN_LABELS[wanted] ?? (mailbox.isSystemLabel(value.toUpperCase()) ? value.toUpperCase() : undefined);
  const ids = new Set<string>();
  if (system) ids.add(system);
  for (const l of mailbox.labels.values()) if (normaliseLabelName(l.name) === wanted) ids.add(l.id);
  return {
    term: (rec) => rec.labelIds.some((l) => ids.has(l)),
    spamTrash: ids.has('SPAM') || ids.has('TRASH'),
  };
}

/**
 * Parses the subset of Gmail's search syntax Ferry uses: `in:`, `is:`, `label:`, `after:`,
 * `before:`, `rfc822msgid:`, `subject:`, `-` negation, and bare words (matched against the subject;
 * simplified: Gmail searches the whole message). Terms are ANDed; `OR` and braces are not supported.
 */
export function parseQuery(q: string, mailbox: Mailbox, facts: MessageFacts): ParsedQuery {
  const terms: Term[] = [];
  let namesSpamOrTrash = false;
  for (const token of tokenize(q)) {
    const negated = token.startsWith('-');
    const body = negated ? token.slice(1) : token;
    const colon = body.indexOf(':');
    const op = colon > 0 ? body.slice(0, colon).toLowerCase() : '';
    const value = (colon > 0 ? body.slice(colon + 1) : body).replace(/^"|"$/g, '');
    let term: Term;
    switch (op) {
      case 'in':
      case 'is':
      case 'label': {
        if (value.toLowerCase() === 'anywhere') {
          namesSpamOrTrash = true;
          term = () => true;
          break;
        }
        if (op === 'is' && value.toLowerCase() === 'read') {
          term = (rec) => !rec.labelIds.includes('UNREAD');
          break;
        }
        const t = labelTerm(mailbox, value);
        namesSpamOrTrash ||= t.spamTrash;
        term = t.term;
        break;
      }
      case 'after':
      case 'before': {
        const at = parseDate(value);
        if (at === undefined) {
          term = () => false;
          break;
        }
        term = op === 'after' ? (rec) => rec.internalDate >= at : (rec) => rec.internalDate < at;
        break;
      }
      case 'rfc822msgid': {
        const id = value.replace(/^<|>$/g, '').toLowerCase();
        term = (rec) => facts.messageIdHeader(rec).replace(/^<|>$/g, '').toLowerCase() === id;
        break;
      }
      case 'subject': {
        const needle = value.toLowerCase();
        term = (rec) => facts.subject(rec).toLowerCase().includes(needle);
        break;
      }
      default: {
        const needle = body.replace(/^"|"$/g, '').toLowerCase();
        term = (rec) => facts.subject(rec).toLowerCase().includes(needle);
      }
    }
    terms.push(negated ? (rec) => !term(rec) : term);
  }
  return { matches: (rec) => terms.every((t) => t(rec)), namesSpamOrTrash };
}
