import type { GoogleUser } from '../../state/directory';

/** One parsed search term: `field:value`, `field=value`, or bare text. */
interface QueryTerm {
  readonly field: string | undefined;
  readonly op: ':' | '=';
  readonly value: string;
}

/** The user fields the Directory `query` syntax accepts that the sandbox's users carry. */
const FIELDS = new Set(['email', 'givenname', 'familyname', 'name', 'isadmin', 'issuspended', 'orgunitpath', 'id']);

export class UserQueryError extends Error {}

/** Splits on spaces outside single or double quotes. */
function tokens(query: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of query) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ' ') {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (quote) throw new UserQueryError('unterminated quote');
  if (current) out.push(current);
  return out;
}

function parseTerm(token: string): QueryTerm {
  const m = /^([A-Za-z.]+)([:=])(.*)$/.exec(token);
  if (!m) return { field: undefined, op: ':', value: token };
  const field = (m[1] ?? '').toLowerCase();
  if (!FIELDS.has(field)) throw new UserQueryError(`unknown field ${field}`);
  return { field, op: m[2] === '=' ? '=' : ':', value: m[3] ?? '' };
}

/** `:` with a trailing `*` is a prefix match; otherwise both operators compare whole values, case-insensitively. */
function matches(actual: string, term: QueryTerm): boolean {
  const a = actual.toLowerCase();
  const v = term.value.toLowerCase();
  if (term.op === ':' && v.endsWith('*')) return a.startsWith(v.slice(0, -1));
  return a === v;
}

function termMatches(user: GoogleUser, term: QueryTerm): boolean {
  const fullName = `${user.givenName} ${user.familyName}`;
  switch (term.field) {
    case undefined: {
      // Bare text: a prefix of the email or of any word of the name.
      const v = term.value.toLowerCase().replace(/\*$/, '');
      return [user.primaryEmail, user.givenName, user.familyName].some((s) => s.toLowerCase().startsWith(v));
    }
    case 'email':
      return matches(user.primaryEmail, term);
    case 'givenname':
      return matches(user.givenName, term);
    case 'familyname':
      return matches(user.familyName, term);
    case 'name':
      return matches(fullName, term) || matches(user.givenName, term) || matches(user.familyName, term);
    case 'isadmin':
      return String(user.isAdmin) === term.value.toLowerCase();
    case 'issuspended':
      return String(user.suspended) === term.value.toLowerCase();
    case 'orgunitpath':
      return matches(user.orgUnitPath, term);
    case 'id':
      return user.id === term.value;
    default:
      return false;
  }
}

/**
 * Compiles a Directory `users.list` query (developers.google.com/workspace/admin/directory/v1/guides/search-users)
 * into a predicate; every term must match. Simplified: the fields above only, no `orgUnitPath` subtree
 * semantics and no custom-schema fields.
 */
export function compileUserQuery(query: string | null): (user: GoogleUser) => boolean {
  if (!query || !query.trim()) return () => true;
  const terms = tokens(query.trim()).map(parseTerm);
  return (user) => terms.every((t) => termMatches(user, t));
}
