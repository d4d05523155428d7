import { badRequest } from '../odata';

/** A parsed `$filter` over flat string/boolean properties. */
export type FilterNode =
  | { readonly op: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly op: 'not'; readonly inner: FilterNode }
  | { readonly op: 'eq' | 'ne'; readonly prop: string; readonly value: string | boolean | null }
  | { readonly op: 'in'; readonly prop: string; readonly values: readonly (string | boolean | null)[] }
  | { readonly op: 'startswith' | 'endswith'; readonly prop: string; readonly value: string };

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      // OData doubles a quote inside a string literal.
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw invalidFilter(input);
        if (input.charAt(i) === "'") {
          if (input.charAt(i + 1) === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input.charAt(i++);
      }
      tokens.push({ kind: 'string', text });
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_./]*/.exec(input.slice(i));
      if (!m) throw invalidFilter(input);
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

function invalidFilter(input: string): Error {
  return badRequest(`Invalid filter clause: syntax error in '${input.slice(0, 200)}'.`);
}

/** Parses the subset of OData `$filter` Graph's directory supports: eq, ne, in, startswith, endswith, not, and, or. */
export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const t = tokens[pos++];
    if (!t) throw invalidFilter(input);
    return t;
  };
  const expect = (text: string): void => {
    const t = next();
    if (t.kind !== 'punct' || t.text !== text) throw invalidFilter(input);
  };
  const isWord = (t: Token | undefined, word: string): boolean =>
    t?.kind === 'ident' && t.text.toLowerCase() === word;
  const literal = (): string | boolean | null => {
    const t = next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.kind === 'ident' && t.text === 'null') return null;
    throw invalidFilter(input);
  };
  const property = (): string => {
    const t = next();
    if (t.kind !== 'ident') throw invalidFilter(input);
    return t.text;
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (t?.kind === 'punct' && t.text === '(') {
      pos++;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (isWord(t, 'not')) {
      pos++;
      return { op: 'not', inner: primary() };
    }
    if (isWord(t, 'startswith') || isWord(t, 'endswith')) {
      pos++;
      const op = t?.text.toLowerCase() === 'startswith' ? 'startswith' : 'endswith';
      expect('(');
      const prop = property();
      expect(',');
      const value = literal();
      expect(')');
      if (typeof value !== 'string') throw invalidFilter(input);
      return { op, prop, value };
    }
    const prop = property();
    const opToken = next();
    const op = opToken.kind === 'ident' ? opToken.text.toLowerCase() : '';
    if (op === 'eq' || op === 'ne') return { op, prop, value: literal() };
    if (op === 'in') {
      expect('(');
      const values = [literal()];
      while (peek()?.kind === 'punct' && peek()?.text === ',') {
        pos++;
        values.push(literal());
      }
      expect(')');
      return { op: 'in', prop, values };
    }
    throw badRequest(`Invalid filter clause: the operator '${op.slice(0, 20)}' is not supported.`);
  };
  const andExpr = (): FilterNode => {
    let left = primary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { op: 'or', left, right: andExpr() };
    }
    return left;
  };

  const tree = orExpr();
  if (pos !== tokens.length) throw invalidFilter(input);
  return tree;
}

/** Whether the filter uses an operator Graph counts as an advanced query (ne, not, endswith). */
export function isAdvanced(node: FilterNode): boolean {
  switch (node.op) {
    case 'and':
    case 'or':
      return isAdvanced(node.left) || isAdvanced(node.right);
    case 'not':
    case 'ne':
    case 'endswith':
      return true;
    case 'eq':
    case 'in':
    case 'startswith':
      return false;
  }
}

/** Every property a filter names, to check against the resource's filterable ones. */
export function filterProperties(node: FilterNode): string[] {
  switch (node.op) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.inner);
    case 'eq':
    case 'ne':
    case 'in':
    case 'startswith':
    case 'endswith':
      return [node.prop];
  }
}

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/** Evaluates a filter against one item; string comparisons are case-insensitive, as the directory's are. */
export function matchesFilter(node: FilterNode, item: Readonly<Record<string, unknown>>): boolean {
  switch (node.op) {
    case 'and':
      return matchesFilter(node.left, item) && matchesFilter(node.right, item);
    case 'or':
      return matchesFilter(node.left, item) || matchesFilter(node.right, item);
    case 'not':
      return !matchesFilter(node.inner, item);
    case 'eq':
      return norm(item[node.prop] ?? null) === norm(node.value);
    case 'ne':
      return norm(item[node.prop] ?? null) !== norm(node.value);
    case 'in':
      return node.values.some((v) => norm(v) === norm(item[node.prop] ?? null));
    case 'startswith': {
      const v = item[node.prop];
      return typeof v === 'string' && v.toLowerCase().startsWith(node.value.toLowerCase());
    }
    case 'endswith': {
      const v = item[node.prop];
      return typeof v === 'string' && v.toLowerCase().endsWith(node.value.toLowerCase());
    }
  }
}
