import { parse } from 'csv-parse/sync';
import { csvRecord, restoreNeutralised } from './csv-cells';
import { MAX_ADDRESS_LENGTH, normaliseAddress, type AddressProblem } from './email-address';

/** Limits of a user mapping import; each is a refusal with a reason, never a truncation. */
export const MAPPING_CSV_LIMITS = {
  maxBytes: 4 * 1024 * 1024,
  maxRows: 50_000,
  maxLineBytes: 1000,
  maxAddress: MAX_ADDRESS_LENGTH,
} as const;

/** One mapping row: a source mailbox and the target mailbox it moves to, normalised (`normaliseAddress`). */
export interface MappingCsvRow {
  /** The file's line number (1-based, header and blank lines counted): a spreadsheet's row number. */
  readonly line: number;
  readonly sourceAddress: string;
  readonly targetAddress: string;
}

/** A refused row (`line` 0: the file as a whole). The reason never quotes the file. */
export interface MappingCsvError {
  readonly line: number;
  readonly reason: string;
}

/** Either every row (no errors) or every error (no rows): nothing is ever half-imported. */
export interface MappingCsvResult {
  readonly rows: readonly MappingCsvRow[];
  readonly errors: readonly MappingCsvError[];
}

const HEADERS = [
  ['source', 'target'],
  ['source_address', 'target_address'],
];
const HEADER_TEXT = 'source,target or source_address,target_address';
const PROBLEM: Record<AddressProblem, string> = {
  missing: 'is missing',
  'too-long': `is longer than ${MAX_ADDRESS_LENGTH} characters`,
  'not-an-address': 'is not an email address',
};
/** csv-parse's error codes for one line, in words (its own messages quote the line). */
const CSV_PROBLEM: Readonly<Record<string, string>> = {
  INVALID_OPENING_QUOTE: 'a quote inside a field that does not start with one',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed on its line',
  CSV_MAX_RECORD_SIZE: `longer than ${MAPPING_CSV_LIMITS.maxLineBytes} bytes`,
};

/**
 * Parses a user mapping: `source,target` per line, UTF-8, RFC 4180 quoting, an optional header
 * (`source,target` or `source_address,target_address`, any case), optional BOM, CRLF/LF/CR line ends,
 * blank lines and trailing empty cells ignored. Limits: 4 MiB, 50,000 rows, 1,000 bytes a line, 320
 * characters an address; a field cannot span lines (no address holds a line break), which keeps line
 * numbers exact. A source or a target twice is refused (one mailbox cannot move twice, two cannot
 * merge into one). Every row is checked before anything is answered, and any error means no rows.
 */
export function parseMappingCsv(input: string | Uint8Array): MappingCsvResult {
  const text = decode(input);
  if (typeof text !== 'string') return refuse([text]);
  const errors: MappingCsvError[] = [];
  const lines: { line: number; text: string }[] = [];
  const physical = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  for (const [index, content] of physical.entries()) {
    const line = index + 1;
    if (Buffer.byteLength(content, 'utf8') > MAPPING_CSV_LIMITS.maxLineBytes)
      errors.push({ line, reason: `the line is longer than ${MAPPING_CSV_LIMITS.maxLineBytes} bytes` });
    else if (/^[\s,]*$/.test(content)) continue;
    else if ((content.match(/"/g)?.length ?? 0) % 2 === 1)
      errors.push({ line, reason: `not valid CSV (${CSV_PROBLEM['CSV_QUOTE_NOT_CLOSED']})` });
    else lines.push({ line, text: content });
    // A header and one row over the limit is enough to know: stop reading.
    if (lines.length + errors.length > MAPPING_CSV_LIMITS.maxRows + 1)
      return refuse([{ line: 0, reason: `more than ${MAPPING_CSV_LIMITS.maxRows} rows` }]);
  }
  const records = parseLines(lines, errors);
  // The file's first line is a header when it names the columns, or when it holds no address at all.
  const first = records[0]?.line === lines[0]?.line ? records[0] : undefined;
  const header = first !== undefined && (isHeader(first.cells) || !first.cells.some((c) => c.includes('@')));
  if (first && header && !isHeader(first.cells))
    errors.push({
      line: first.line,
      reason: `the first row is neither the header ${HEADER_TEXT} nor a mapping row`,
    });
  const rows = checkRows(header ? records.slice(1) : records, errors);
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 0, reason: 'no mapping rows' });
  return errors.length > 0 ? refuse(errors) : { rows, errors: [] };
}

/** Line + reason as an operator reads it: `line 12: source is not an email address`. */
export function describeMappingCsvError(error: MappingCsvError): string {
  return error.line > 0 ? `line ${error.line}: ${error.reason}` : `file: ${error.reason}`;
}

/**
 * The mapping as CSV for export: the `source_address,target_address` header, RFC 4180 quoting, CRLF,
 * and cells that a spreadsheet would run as a formula prefixed with an apostrophe. `parseMappingCsv`
 * removes that apostrophe again, so an exported mapping imports back unchanged.
 */
export function writeMappingCsv(
  rows: Iterable<{ readonly sourceAddress: string; readonly targetAddress: string }>,
): string {
  let out = csvRecord(['source_address', 'target_address']);
  for (const row of rows) out += csvRecord([row.sourceAddress, row.targetAddress]);
  return out;
}

function decode(input: string | Uint8Array): string | MappingCsvError {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > MAPPING_CSV_LIMITS.maxBytes)
    return { line: 0, reason: `the file is larger than ${MAPPING_CSV_LIMITS.maxBytes} bytes` };
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return { line: 0, reason: 'the file is not UTF-8 text' };
  }
}

interface LineRecord {
  readonly line: number;
  readonly cells: string[];
}

/** csv-parse, strict: RFC 4180 quoting, values as text, nothing inferred. */
const PARSE_OPTIONS = {
  bom: false,
  cast: false,
  columns: false,
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: '\n',
  trim: true,
  relax_column_count: true,
  max_record_size: MAPPING_CSV_LIMITS.maxLineBytes,
} as const;

/**
 * Parses the candidate lines in one pass: each is one record (quotes balance on every line), so the
 * n-th record is the n-th line. csv-parse stops at the first malformed line and does not recover
 * cleanly past one, so a file with any is parsed again line by line to name each malformed line.
 */
function parseLines(
  lines: readonly { line: number; text: string }[],
  errors: MappingCsvError[],
): LineRecord[] {
  try {
    const all = parse(lines.map((l) => l.text).join('\n'), PARSE_OPTIONS);
    if (all.length === lines.length)
      return all.map((cells, i) => ({ line: lines[i]?.line ?? 0, cells: cells.map(restoreNeutralised) }));
  } catch {
    // Named line by line below.
  }
  return lines.flatMap(({ line, text }) => {
    try {
      return parse(text, PARSE_OPTIONS).map((cells) => ({ line, cells: cells.map(restoreNeutralised) }));
    } catch (err) {
      // Only the code may leave here: csv-parse's messages quote what it read.
      const code = (err as { code?: unknown }).code;
      errors.push({
        line,
        reason: `not valid CSV (${(typeof code === 'string' && CSV_PROBLEM[code]) || 'a malformed line'})`,
      });
      return [];
    }
  });
}

function isHeader(cells: readonly string[]): boolean {
  const names = withoutTrailingEmpty(cells).map((c) => c.toLowerCase());
  return HEADERS.some((h) => h.length === names.length && h.every((n, i) => n === names[i]));
}

/** Drops the empty cells a spreadsheet leaves after the last column, keeping at least `keep` cells. */
function withoutTrailingEmpty(cells: readonly string[], keep = 0): string[] {
  let end = cells.length;
  while (end > keep && cells[end - 1] === '') end--;
  return cells.slice(0, end);
}

/** Validates every data row, noting each error; repeats are looked for among valid addresses only. */
function checkRows(records: readonly LineRecord[], errors: MappingCsvError[]): MappingCsvRow[] {
  const rows: MappingCsvRow[] = [];
  const sources = new Map<string, number>();
  const targets = new Map<string, number>();
  for (const { line, cells } of records) {
    const used = withoutTrailingEmpty(cells, 2);
    if (used.length !== 2) {
      errors.push({ line, reason: `expected 2 columns (source, target), found ${used.length}` });
      continue;
    }
    const source = address('source', used[0] ?? '', line, sources, errors);
    const target = address('target', used[1] ?? '', line, targets, errors);
    if (source !== null && target !== null) rows.push({ line, sourceAddress: source, targetAddress: target });
  }
  return rows;
}

function address(
  column: 'source' | 'target',
  cell: string,
  line: number,
  seen: Map<string, number>,
  errors: MappingCsvError[],
): string | null {
  const result = normaliseAddress(cell);
  if ('problem' in result) {
    errors.push({ line, reason: `${column} ${PROBLEM[result.problem]}` });
    return null;
  }
  const earlier = seen.get(result.address);
  if (earlier !== undefined) {
    errors.push({ line, reason: `${column} repeats line ${earlier}` });
    return null;
  }
  seen.set(result.address, line);
  return result.address;
}

function refuse(errors: readonly MappingCsvError[]): MappingCsvResult {
  return { rows: [], errors: [...errors].sort((a, b) => a.line - b.line) };
}
