import { parse } from 'csv-parse/sync';

/** Limits of an IMAP user import; each is a refusal with a reason, never a truncation. */
export const IMAP_USERS_CSV_LIMITS = { maxBytes: 4 * 1024 * 1024, maxRows: 50_000, maxAddress: 254, maxUsername: 256, maxPassword: 1024 } as const;

export interface ImapUserRow {
  readonly line: number;
  /** Normalised (trimmed, lower case): the key the broker's callers use. */
  readonly address: string;
  readonly username: string;
  readonly password: string;
}

export interface CsvRowError {
  readonly line: number;
  readonly reason: string;
}

const HEADER = ['address', 'username', 'password'];
const ADDRESS = /^[^\s@",<>\p{Cc}]{1,64}@[^\s@",<>\p{Cc}]{1,189}$/u;

/**
 * Parses `address,username,password` with a header row (RFC 4180 quoting, UTF-8, BOM allowed). Every
 * row is checked before anything is stored, so one bad row means nothing is imported; reasons name the
 * line and the column, never the value.
 */
export function parseImapUsersCsv(csv: string): { rows: ImapUserRow[]; errors: CsvRowError[] } {
  if (Buffer.byteLength(csv, 'utf8') > IMAP_USERS_CSV_LIMITS.maxBytes) {
    return { rows: [], errors: [{ line: 0, reason: `the file is larger than ${IMAP_USERS_CSV_LIMITS.maxBytes} bytes` }] };
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse returns { record, info } per record; its typings know only string[][].
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 4096, to: IMAP_USERS_CSV_LIMITS.maxRows + 2, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (err) {
    // csv-parse's messages quote the offending text; keep only its code and line.
    const e = err as { code?: string; lines?: number };
    return { rows: [], errors: [{ line: e.lines ?? 0, reason: `not valid CSV (${/^[A-Z_]{1,40}$/.test(e.code ?? '') ? e.code : 'parse error'})` }] };
  }
  const [header, ...body] = records;
  if (!header || header.record.map((h) => h.trim().toLowerCase()).join(',') !== HEADER.join(',')) {
    return { rows: [], errors: [{ line: 1, reason: `the first row must be the header ${HEADER.join(',')}` }] };
  }
  if (body.length === 0) return { rows: [], errors: [{ line: 2, reason: 'no user rows' }] };
  if (body.length > IMAP_USERS_CSV_LIMITS.maxRows) return { rows: [], errors: [{ line: 0, reason: `more than ${IMAP_USERS_CSV_LIMITS.maxRows} rows` }] };
  const rows: ImapUserRow[] = [];
  const errors: CsvRowError[] = [];
  const seen = new Map<string, number>();
  // Skipped blank lines and quoted line breaks make the record index no line number. csv-parse reports the
  // line a record ends on and counts each CR and LF inside quotes (a quoted CRLF twice): name the line it starts on.
  let overcount = 0;
  body.forEach(({ record, info }) => {
    const inner = record.join('');
    const line = info.lines - overcount - (inner.match(/[\r\n]/g)?.length ?? 0);
    overcount += inner.match(/\r\n/g)?.length ?? 0;
    if (record.length !== 3) {
      errors.push({ line, reason: `expected 3 columns, found ${record.length}` });
      return;
    }
    const [rawAddress = '', username = '', password = ''] = record;
    const address = rawAddress.trim().toLowerCase();
    if (!ADDRESS.test(address) || address.length > IMAP_USERS_CSV_LIMITS.maxAddress) errors.push({ line, reason: 'address is not a mail address' });
    else if (seen.has(address)) errors.push({ line, reason: `address repeats line ${seen.get(address)}` });
    if (username.length === 0 || username.length > IMAP_USERS_CSV_LIMITS.maxUsername || /\p{Cc}/u.test(username)) errors.push({ line, reason: `username must be 1-${IMAP_USERS_CSV_LIMITS.maxUsername} characters without control characters` });
    if (password.length === 0 || password.length > IMAP_USERS_CSV_LIMITS.maxPassword || /[\0\r\n]/.test(password)) errors.push({ line, reason: `password must be 1-${IMAP_USERS_CSV_LIMITS.maxPassword} characters without NUL or line breaks` });
    seen.set(address, seen.get(address) ?? line);
    rows.push({ line, address, username, password });
  });
  return { rows: errors.length > 0 ? [] : rows, errors };
}
