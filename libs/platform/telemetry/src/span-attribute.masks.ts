import { REDACTED } from './text.scrubber';

/**
 * Query parameters whose values only shape or page an answer (Graph's OData options, Google's paging
 * and field masks). Every other value in a traced URL is masked: it may be a token, a signature, an
 * address, a display name in a `$filter`, or an opaque page cursor.
 */
export const VISIBLE_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  '$top',
  '$skip',
  '$select',
  '$expand',
  '$orderby',
  '$count',
  '$format',
  'api-version',
  'alt',
  'fields',
  'format',
  'maxResults',
  'pageSize',
  'prettyPrint',
  'uploadType',
  'includeSpamTrash',
  'limit',
]);

/**
 * `text` (a URL or a path, or with `queryOnly` a bare query string) with the value of every query
 * parameter not in {@link VISIBLE_QUERY_PARAMETERS} replaced by `[redacted]`. Names stay, so a reader
 * still sees which parameters a request carried; the fragment is dropped likewise.
 */
export function maskQueryValues(text: string, queryOnly: boolean): string {
  const start = queryOnly ? 0 : text.indexOf('?');
  if (start < 0) return text;
  const head = queryOnly ? '' : text.slice(0, start + 1);
  const rest = queryOnly ? text : text.slice(start + 1);
  const hash = rest.indexOf('#');
  const query = hash < 0 ? rest : rest.slice(0, hash);
  const fragment = hash < 0 ? '' : `#${REDACTED}`;
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      return VISIBLE_QUERY_PARAMETERS.has(safeDecode(name)) ? pair : `${name}=${REDACTED}`;
    })
    .join('&');
  return `${head}${masked}${fragment}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A SQL statement with its string literals (`'...'`, `''` escapes included, `N'...'` too) replaced by
 * `'?'`: drivers trace the statement text, and a literal written into it can hold anything. Bound
 * parameters (`$1`, `@0`) are not in the text and need nothing.
 */
export function maskSqlLiterals(sql: string): string {
  // (?:[^']|'')* cannot match one input two ways, so it runs in linear time.
  return sql.replace(/'(?:[^']|''){0,100000}'/g, "'?'");
}
