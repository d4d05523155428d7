import { graphError } from '../../http/vendor-errors';
import { normalizePropertyId } from './extended-property';
import type { Mailbox, MessageRecord } from './mail.store';

/** A compiled `$filter`: a predicate, and for idempotency-key lookups the indexed candidates. */
export interface MessageFilter {
  readonly test: (m: MessageRecord) => boolean;
  /** When the filter pins an extended property value, only these messages can match. */
  readonly property?: { readonly id: string; readonly value: string };
}

const invalidFilter = () => graphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: '(' | ')' | ':' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ':') {
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw invalidFilter();
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += src[i];
        i++;
      }
      out.push({ kind: 'string', text });
    } else {
      const m = /^[A-Za-z0-9_./+\-:]+/.exec(src.slice(i));
      // A bare ':' is punctuation, but datetimes carry colons inside one word.
      let word = m?.[0] ?? '';
      if (!/^\d/.test(word) && word.includes(':')) word = word.slice(0, word.indexOf(':'));
      if (!word) throw invalidFilter();
      out.push({ kind: 'word', text: word });
      i += word.length;
    }
  }
  return out;
}

type Pred = (m: MessageRecord) => boolean;

/**
 * Parses the `$filter` subset the sandbox supports on messages: `receivedDateTime` with
 * ge/gt/lt/le/eq and a DateTimeOffset, `isRead`/`isDraft` eq true|false, `internetMessageId eq '...'`,
 * `singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq '...')`, joined with `and`
 * and parentheses. Anything else is Graph's 400 ErrorInvalidUrlQueryFilter (a simplification: the
 * real service accepts far more).
 */
export function parseMessageFilter(src: string, internetMessageIdOf: (m: MessageRecord) => string): MessageFilter {
  const tokens = tokenize(src);
  let pos = 0;
  let property: { id: string; value: string } | undefined;
  const peek = () => tokens[pos];
  const word = (expected?: string): string => {
    const t = tokens[pos++];
    if (t?.kind !== 'word' || (expected !== undefined && t.text.toLowerCase() !== expected.toLowerCase())) throw invalidFilter();
    return t.text;
  };
  const str = (): string => {
    const t = tokens[pos++];
    if (t?.kind !== 'string') throw invalidFilter();
    return t.text;
  };
  const punct = (p: string) => {
    const t = tokens[pos++];
    if (t?.kind !== 'punct' || t.text !== p) throw invalidFilter();
  };

  const comparison = (): Pred => {
    const t = peek();
    if (t?.kind === 'punct' && t.text === '(') {
      pos++;
      const inner = conjunction();
      punct(')');
      return inner;
    }
    const field = word();
    const lower = field.toLowerCase();
    if (lower === 'singlevalueextendedproperties/any') {
      punct('(');
      const v = word();
      punct(':');
      word(`${v}/id`);
      word('eq');
      const id = normalizePropertyId(str());
      word('and');
      word(`${v}/value`);
      word('eq');
      const value = str();
      punct(')');
      if (!id) throw invalidFilter();
      property = { id, value };
      return (m) => (m.extras?.extended ?? []).some((p) => p.id === id && p.value === value);
    }
    const op = word().toLowerCase();
    if (lower === 'receiveddatetime') {
      const raw = peek()?.kind === 'string' ? str() : word();
      const at = Date.parse(raw);
      if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at)) throw invalidFilter();
      const ops: Record<string, Pred> = { ge: (m) => m.receivedMs >= at, gt: (m) => m.receivedMs > at, lt: (m) => m.receivedMs < at, le: (m) => m.receivedMs <= at, eq: (m) => m.receivedMs === at };
      const pred = ops[op];
      if (!pred) throw invalidFilter();
      return pred;
    }
    if ((lower === 'isread' || lower === 'isdraft') && (op === 'eq' || op === 'ne')) {
      const raw = word().toLowerCase();
      if (raw !== 'true' && raw !== 'false') throw invalidFilter();
      const want = (raw === 'true') === (op === 'eq');
      return lower === 'isread' ? (m) => m.isRead === want : (m) => m.isDraft === want;
    }
    if (lower === 'internetmessageid' && op === 'eq') {
      const value = str();
      return (m) => internetMessageIdOf(m) === value;
    }
    throw invalidFilter();
  };

  const conjunction = (): Pred => {
    const preds = [comparison()];
    while (peek()?.kind === 'word' && (peek() as { text: string }).text.toLowerCase() === 'and') {
      pos++;
      preds.push(comparison());
    }
    return preds.length === 1 ? (preds[0] as Pred) : (m) => preds.every((p) => p(m));
  };

  const test = conjunction();
  if (pos !== tokens.length) throw invalidFilter();
  return { test, ...(property ? { property } : {}) };
}

/** The messages a filter selects from `pool` (in pool order), using the property index when it can. */
export function applyFilter(mailbox: Mailbox, pool: readonly MessageRecord[], filter: MessageFilter | undefined, inPool: (m: MessageRecord) => boolean): readonly MessageRecord[] {
  if (!filter) return pool;
  if (filter.property) {
    return mailbox
      .withProperty(filter.property.id, filter.property.value)
      .filter((m) => inPool(m) && filter.test(m))
      .sort((a, b) => b.receivedMs - a.receivedMs);
  }
  return pool.filter(filter.test);
}
