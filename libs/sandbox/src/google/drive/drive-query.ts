import { googleError } from '../../http/vendor-errors';

/**
 * Drive's search language (`q`), developers.google.com/drive/api/guides/search-files: terms
 * `field op value`, `value in field`, `fullText contains`, `properties has {...}`, combined with
 * `and`, `or`, `not` and parentheses. Parsed into a tree the files.list handler evaluates.
 */
export type QueryNode =
  | { readonly kind: 'and' | 'or'; readonly left: QueryNode; readonly right: QueryNode }
  | { readonly kind: 'not'; readonly operand: QueryNode }
  | {
      readonly kind: 'compare';
      readonly field: CompareField;
      readonly op: Operator;
      readonly value: string | boolean;
    }
  | { readonly kind: 'in'; readonly field: CollectionField; readonly value: string }
  | {
      readonly kind: 'has';
      readonly field: 'properties' | 'appProperties';
      readonly key: string;
      readonly value: string;
    }
  | { readonly kind: 'sharedWithMe' };

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';
export type CompareField =
  | 'name'
  | 'mimeType'
  | 'fullText'
  | 'modifiedTime'
  | 'createdTime'
  | 'viewedByMeTime'
  | 'trashed'
  | 'starred';
export type CollectionField = 'parents' | 'owners' | 'writers' | 'readers';

const STRING_FIELDS = new Set<string>(['name', 'mimeType', 'fullText']);
const DATE_FIELDS = new Set<string>(['modifiedTime', 'createdTime', 'viewedByMeTime']);
const BOOL_FIELDS = new Set<string>(['trashed', 'starred']);
const COLLECTIONS = new Set<string>(['parents', 'owners', 'writers', 'readers']);

/** The error Drive answers for any `q` it cannot parse. */
export const invalidQuery = () =>
  googleError(400, 'invalid', 'Invalid Value', { location: 'q', locationType: 'parameter' });

type Token =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'word'; readonly v: string }
  | { readonly t: 'op'; readonly v: string }
  | { readonly t: 'punct'; readonly v: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= q.length) throw invalidQuery();
        const d = q[i] ?? '';
        if (d === '\\') {
          v += q[i + 1] ?? '';
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'str', v });
    } else if ('()={}'.includes(c)) {
      out.push(c === '=' ? { t: 'op', v: '=' } : { t: 'punct', v: c });
      i++;
    } else if (c === '!' || c === '<' || c === '>') {
      const two = q.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if (c === '!') {
        throw invalidQuery();
      } else {
        out.push({ t: 'op', v: c });
        i++;
      }
    } else if (/[A-Za-z0-9_.:-]/.test(c)) {
      const start = i;
      while (i < q.length && /[A-Za-z0-9_.:-]/.test(q[i] ?? '')) i++;
      out.push({ t: 'word', v: q.slice(start, i) });
    } else {
      throw invalidQuery();
    }
  }
  return out;
}

/** Parses `q`; anything outside the supported grammar is Drive's 400 `Invalid Value`. */
export function parseQuery(q: string): QueryNode {
  if (q.length > 20_000) throw invalidQuery();
  const tokens = tokenize(q);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, v: string): boolean =>
    tok?.t === 'word' && tok.v.toLowerCase() === v;
  const expectString = (): string => {
    const tok = tokens[pos++];
    if (tok?.t !== 'str') throw invalidQuery();
    return tok.v;
  };

  const orExpr = (): QueryNode => {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): QueryNode => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): QueryNode => {
    const tok = peek();
    if (isWord(tok, 'not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    if (tok?.t === 'punct' && tok.v === '(') {
      pos++;
      const inner = orExpr();
      const close = tokens[pos++];
      if (close?.t !== 'punct' || close.v !== ')') throw invalidQuery();
      return inner;
    }
    return term();
  };
  const term = (): QueryNode => {
    const tok = tokens[pos++];
    if (!tok) throw invalidQuery();
    if (tok.t === 'str') {
      if (!isWord(tokens[pos++], 'in')) throw invalidQuery();
      const field = tokens[pos++];
      if (field?.t !== 'word' || !COLLECTIONS.has(field.v)) throw invalidQuery();
      return { kind: 'in', field: field.v as CollectionField, value: tok.v };
    }
    if (tok.t !== 'word') throw invalidQuery();
    if (tok.v === 'sharedWithMe') return { kind: 'sharedWithMe' };
    if (tok.v === 'properties' || tok.v === 'appProperties') return hasTerm(tok.v);
    const opTok = tokens[pos++];
    const op = opTok?.t === 'op' ? opTok.v : isWord(opTok, 'contains') ? 'contains' : undefined;
    if (!op) throw invalidQuery();
    if (STRING_FIELDS.has(tok.v)) {
      if (tok.v === 'fullText' ? op !== 'contains' : !['=', '!=', 'contains'].includes(op))
        throw invalidQuery();
      return { kind: 'compare', field: tok.v as CompareField, op: op as Operator, value: expectString() };
    }
    if (DATE_FIELDS.has(tok.v)) {
      if (op === 'contains') throw invalidQuery();
      const value = expectString();
      if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw invalidQuery();
      return { kind: 'compare', field: tok.v as CompareField, op: op as Operator, value };
    }
    if (BOOL_FIELDS.has(tok.v)) {
      if (op !== '=' && op !== '!=') throw invalidQuery();
      const v = tokens[pos++];
      if (!isWord(v, 'true') && !isWord(v, 'false')) throw invalidQuery();
      return { kind: 'compare', field: tok.v as CompareField, op, value: v?.v.toLowerCase() === 'true' };
    }
    throw invalidQuery();
  };
  // properties has { key='department' and value='finance' }
  const hasTerm = (field: 'properties' | 'appProperties'): QueryNode => {
    if (!isWord(tokens[pos++], 'has')) throw invalidQuery();
    const open = tokens[pos++];
    if (open?.t !== 'punct' || open.v !== '{') throw invalidQuery();
    const pair = (name: string): string => {
      if (!isWord(tokens[pos++], name)) throw invalidQuery();
      const eq = tokens[pos++];
      if (eq?.t !== 'op' || eq.v !== '=') throw invalidQuery();
      return expectString();
    };
    const key = pair('key');
    if (!isWord(tokens[pos++], 'and')) throw invalidQuery();
    const value = pair('value');
    const close = tokens[pos++];
    if (close?.t !== 'punct' || close.v !== '}') throw invalidQuery();
    return { kind: 'has', field, key, value };
  };

  if (tokens.length === 0) throw invalidQuery();
  const tree = orExpr();
  if (pos !== tokens.length) throw invalidQuery();
  return tree;
}

/**
 * A parent folder every match must be in (`'X' in parents` at the top level or under `and`), so
 * the handler can scan that folder's children instead of the whole tenant.
 */
export function requiredParent(node: QueryNode): string | undefined {
  if (node.kind === 'in' && node.field === 'parents') return node.value;
  if (node.kind === 'and') return requiredParent(node.left) ?? requiredParent(node.right);
  return undefined;
}

/** What the evaluator needs to know about one file, from the viewer's point of view. */
export interface QueryView {
  readonly name: string;
  readonly mimeType: string;
  readonly description?: string;
  readonly modifiedTime: number;
  readonly createdTime: number;
  readonly trashed: boolean;
  readonly starred: boolean;
  readonly parents: readonly string[];
  readonly owners: readonly string[];
  readonly writers: readonly string[];
  readonly readers: readonly string[];
  readonly sharedWithMe: boolean;
  readonly properties: Readonly<Record<string, string>>;
  readonly appProperties: Readonly<Record<string, string>>;
}

/**
 * Drive's `name contains` matches word prefixes ("HelloWorld" matches 'Hello', not 'World');
 * `fullText contains` is simplified to a case-insensitive substring of name and description.
 */
function nameContains(name: string, needle: string): boolean {
  const n = name.toLowerCase();
  const x = needle.toLowerCase();
  if (n.startsWith(x)) return true;
  return n.split(/[\s\p{P}]+/u).some((w) => w.startsWith(x) && w.length > 0);
}

/** The aliases a query may use: `'me' in owners`, `'root' in parents`. */
export interface QueryAliases {
  readonly me: string;
  readonly root: string;
}

export function evaluate(node: QueryNode, f: QueryView, aliases: QueryAliases): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, f, aliases) && evaluate(node.right, f, aliases);
    case 'or':
      return evaluate(node.left, f, aliases) || evaluate(node.right, f, aliases);
    case 'not':
      return !evaluate(node.operand, f, aliases);
    case 'sharedWithMe':
      return f.sharedWithMe;
    case 'has':
      return f[node.field][node.key] === node.value;
    case 'in': {
      const list = f[node.field];
      if (node.field === 'parents') return list.includes(node.value === 'root' ? aliases.root : node.value);
      return list.includes(node.value === 'me' ? aliases.me : node.value.toLowerCase());
    }
    case 'compare':
      return compare(node, f);
  }
}

function compare(node: Extract<QueryNode, { kind: 'compare' }>, f: QueryView): boolean {
  const { field, op, value } = node;
  if (typeof value === 'boolean') {
    const actual = field === 'trashed' ? f.trashed : f.starred;
    return op === '=' ? actual === value : actual !== value;
  }
  if (field === 'name' || field === 'mimeType' || field === 'fullText') {
    if (field === 'fullText')
      return `${f.name}\n${f.description ?? ''}`.toLowerCase().includes(value.toLowerCase());
    const actual = field === 'name' ? f.name : f.mimeType;
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    return field === 'name' ? nameContains(actual, value) : actual.includes(value);
  }
  const actual = field === 'modifiedTime' ? f.modifiedTime : f.createdTime;
  const t = Date.parse(value);
  switch (op) {
    case '=':
      return actual === t;
    case '!=':
      return actual !== t;
    case '<':
      return actual < t;
    case '<=':
      return actual <= t;
    case '>':
      return actual > t;
    case '>=':
      return actual >= t;
    case 'contains':
      return false;
  }
}
