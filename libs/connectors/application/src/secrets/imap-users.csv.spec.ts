import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CsvRowError,
  IMAP_USERS_CSV_LIMITS,
  type ImapUserRow,
  parseImapUsersCsv,
} from './imap-users.csv';

const FIXTURES = join(__dirname, 'fixtures');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const csvOf = (...rows: string[]): string => ['address,username,password', ...rows].join('\n');
const credentials = (rows: readonly ImapUserRow[]): [string, string, string][] =>
  rows.map((r) => [r.address, r.username, r.password]);
const HEADER = { line: 1, reason: 'the first row must be the header address,username,password' };
const BAD_ADDRESS = 'address is not a mail address';
const BAD_USERNAME = 'username must be 1-256 characters without control characters';
const BAD_PASSWORD = 'password must be 1-1024 characters without NUL or line breaks';

/** Every error reason of every case below: none may quote what the file held. */
const reasons: CsvRowError[] = [];
const parsed = (csv: string): ReturnType<typeof parseImapUsersCsv> => {
  const result = parseImapUsersCsv(csv);
  reasons.push(...result.errors);
  return result;
};

describe('IMAP users CSV: accepted files (fixtures/ok)', () => {
  it('every fixture parses without errors', () => {
    const names = readdirSync(join(FIXTURES, 'ok'));
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) expect([name, parsed(fixture(join('ok', name))).errors]).toEqual([name, []]);
  });

  it('reads address, username and password per row, with its line', () => {
    const { rows } = parsed(fixture('ok/basic.csv'));
    expect(rows).toEqual([
      { line: 2, address: 'alice@example.com', username: 'alice', password: 'correct horse battery staple' },
      { line: 3, address: 'bob@example.com', username: 'bob@example.com', password: 'Tr0ub4dor&3' },
      { line: 4, address: 'carol@sub.example.org', username: 'CAROL', password: 'p' },
    ]);
  });

  it('takes a byte order mark, CRLF line ends, a header in any case with spaces, and trailing blank lines', () => {
    expect(credentials(parsed(fixture('ok/bom-crlf-header-case.csv')).rows)).toEqual([
      ['dave@example.com', 'dave', 'dave-pw'],
      ['erin@example.com', 'erin', 'erin-pw'],
    ]);
  });

  it('unquotes RFC 4180 fields, normalises addresses and keeps usernames and passwords exactly', () => {
    expect(credentials(parsed(fixture('ok/rfc4180-quoting.csv')).rows)).toEqual([
      ['frank@example.com', 'Frank Smith', 'pass,with,commas'],
      ['grace@example.com', 'grace', 'say "hello"'],
      ['heidi@example.com', 'heidi', '  spaced\ttab  '],
      ['ivan@example.com', 'ivan', 'quoted " and , both'],
    ]);
  });

  it('reads UTF-8 and numbers lines as the file does, blank lines included', () => {
    const { rows } = parsed(fixture('ok/unicode-blank-lines.csv'));
    expect(rows.map((r) => [r.line, r.address, r.username, r.password])).toEqual([
      [3, 'jürgen@bücher.example', 'jürgen', 'pässwörd-✓'],
      [6, 'zoë@example.com', 'zoë', '🔑🔑'],
    ]);
  });
});

describe('IMAP users CSV: refused files (fixtures/not-ok)', () => {
  it.each<[string, CsvRowError[]]>([
    ['empty.csv', [HEADER]],
    ['no-header.csv', [HEADER]],
    ['wrong-header.csv', [HEADER]],
    ['header-reordered.csv', [HEADER]],
    ['header-only.csv', [{ line: 2, reason: 'no user rows' }]],
    ['repeated-address.csv', [{ line: 4, reason: 'address repeats line 2' }]],
    [
      'column-count.csv',
      [
        { line: 2, reason: 'expected 3 columns, found 2' },
        { line: 3, reason: 'expected 3 columns, found 4' },
      ],
    ],
    ['bad-addresses.csv', [2, 3, 4, 5, 6, 7, 8, 9].map((line) => ({ line, reason: BAD_ADDRESS }))],
    [
      'empty-fields.csv',
      [
        { line: 2, reason: BAD_USERNAME },
        { line: 3, reason: BAD_PASSWORD },
        { line: 4, reason: BAD_ADDRESS },
      ],
    ],
    [
      'line-break-in-password.csv',
      [
        { line: 2, reason: BAD_PASSWORD },
        { line: 5, reason: BAD_USERNAME },
      ],
    ],
    ['blank-lines-repeat.csv', [{ line: 5, reason: 'address repeats line 3' }]],
    // The parser names the line it reached still inside the quote that opened on line 2.
    ['unclosed-quote.csv', [{ line: 3, reason: 'not valid CSV (CSV_QUOTE_NOT_CLOSED)' }]],
    ['stray-quote.csv', [{ line: 2, reason: 'not valid CSV (CSV_INVALID_CLOSING_QUOTE)' }]],
  ])('%s: nothing is imported, and every bad line is named', (name, errors) => {
    expect(parsed(fixture(join('not-ok', name)))).toEqual({ rows: [], errors });
  });

  it('the table above covers every not-ok fixture', () => {
    expect(readdirSync(join(FIXTURES, 'not-ok')).sort()).toEqual(
      [
        'bad-addresses.csv',
        'blank-lines-repeat.csv',
        'column-count.csv',
        'empty-fields.csv',
        'empty.csv',
        'header-only.csv',
        'header-reordered.csv',
        'line-break-in-password.csv',
        'no-header.csv',
        'repeated-address.csv',
        'stray-quote.csv',
        'unclosed-quote.csv',
        'wrong-header.csv',
      ].sort(),
    );
  });
});

describe('IMAP users CSV: fields', () => {
  it.each([
    ['NUL', 'planted\u0000pw'],
    ['CR', '"planted\rpw"'],
    ['LF', '"planted\npw"'],
    ['CRLF', '"planted\r\npw"'],
  ])('refuses a password with %s', (_label, password) => {
    expect(parsed(csvOf(`planted@example.com,planted-user,${password}`))).toEqual({
      rows: [],
      errors: [{ line: 2, reason: BAD_PASSWORD }],
    });
  });

  it('keeps a tab and other printable characters in a password', () => {
    expect(parsed(csvOf('a@example.com,a,"\tp\u007fw é\u00a0"')).rows[0]?.password).toBe(
      '\tp\u007fw é\u00a0',
    );
  });

  it.each([
    ['SOH', 'planted\u0001user'],
    ['DEL', 'planted\u007fuser'],
    ['tab', 'planted\tuser'],
    ['ESC', 'planted\u001b[31muser'],
    ['NEL (C1)', 'planted\u0085user'],
  ])('refuses a username with %s', (_label, username) => {
    expect(parsed(csvOf(`planted@example.com,${username},planted-pw`)).errors).toEqual([
      { line: 2, reason: BAD_USERNAME },
    ]);
  });

  it.each([
    ['SOH', 'planted\u0001x@example.com'],
    ['NUL', 'planted\u0000x@example.com'],
    ['ESC', 'planted@exa\u001bmple.com'],
    ['DEL', 'planted\u007f@example.com'],
    ['CSI (C1)', 'planted\u009b@example.com'],
  ])('refuses an address with %s', (_label, address) => {
    expect(parsed(csvOf(`${address},planted-user,planted-pw`)).errors).toEqual([
      { line: 2, reason: BAD_ADDRESS },
    ]);
  });

  it('takes fields up to their limits and refuses one character more', () => {
    const local = 'l'.repeat(64);
    const domain = `${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(61)}`;
    expect(`${local}@${domain}`).toHaveLength(IMAP_USERS_CSV_LIMITS.maxAddress);
    const longest = csvOf(`${local}@${domain},${'u'.repeat(256)},${'p'.repeat(1024)}`);
    expect(parsed(longest).errors).toEqual([]);
    expect(parsed(csvOf(`${local}x@example.com,u,p`)).errors).toEqual([{ line: 2, reason: BAD_ADDRESS }]);
    expect(parsed(csvOf(`a@${domain}x,u,p`)).errors).toEqual([{ line: 2, reason: BAD_ADDRESS }]);
    expect(parsed(csvOf(`a@example.com,${'u'.repeat(257)},p`)).errors).toEqual([
      { line: 2, reason: BAD_USERNAME },
    ]);
    expect(parsed(csvOf(`a@example.com,u,${'p'.repeat(1025)}`)).errors).toEqual([
      { line: 2, reason: BAD_PASSWORD },
    ]);
  });

  it('refuses a record beyond 4 KiB as invalid CSV rather than reading it', () => {
    expect(parsed(csvOf(`a@example.com,u,planted${'p'.repeat(5000)}`))).toEqual({
      rows: [],
      errors: [{ line: 2, reason: 'not valid CSV (CSV_MAX_RECORD_SIZE)' }],
    });
  });

  it('repeats are found after normalising case and surrounding spaces, and name the first line', () => {
    const { errors } = parsed(
      csvOf(
        'Planted@Example.com,a,p',
        'other@example.com,b,p',
        ' planted@example.COM ,c,p',
        'PLANTED@example.com,d,p',
      ),
    );
    expect(errors).toEqual([
      { line: 4, reason: 'address repeats line 2' },
      { line: 5, reason: 'address repeats line 2' },
    ]);
  });

  it('names lines as the file has them after a quoted CRLF', () => {
    const csv =
      'address,username,password\r\nplanted-a@example.com,u,"planted\r\npw"\r\nplanted-b@example.com,,p\r\n';
    expect(parsed(csv).errors).toEqual([
      { line: 2, reason: BAD_PASSWORD },
      { line: 4, reason: BAD_USERNAME },
    ]);
  });

  it('reports every error of a row and of every row', () => {
    expect(parsed(csvOf('planted,,', 'ok@example.com,u,p', 'planted2,,')).errors).toEqual([
      { line: 2, reason: BAD_ADDRESS },
      { line: 2, reason: BAD_USERNAME },
      { line: 2, reason: BAD_PASSWORD },
      { line: 4, reason: BAD_ADDRESS },
      { line: 4, reason: BAD_USERNAME },
      { line: 4, reason: BAD_PASSWORD },
    ]);
  });
});

describe('IMAP users CSV: size limits', () => {
  const rowsOf = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => `user${i}@example.com,user${i},pw${i}`);

  it(`takes ${IMAP_USERS_CSV_LIMITS.maxRows} rows`, () => {
    const { rows, errors } = parsed(csvOf(...rowsOf(IMAP_USERS_CSV_LIMITS.maxRows)));
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(IMAP_USERS_CSV_LIMITS.maxRows);
    expect(rows.at(-1)).toEqual({
      line: IMAP_USERS_CSV_LIMITS.maxRows + 1,
      address: 'user49999@example.com',
      username: 'user49999',
      password: 'pw49999',
    });
  });

  it('refuses one row more', () => {
    expect(parsed(csvOf(...rowsOf(IMAP_USERS_CSV_LIMITS.maxRows + 1)))).toEqual({
      rows: [],
      errors: [{ line: 0, reason: 'more than 50000 rows' }],
    });
  });

  it('refuses more than 4 MiB before parsing, counting UTF-8 bytes', () => {
    const header = 'address,username,password\n';
    const row = `a@example.com,u,${'p'.repeat(1000)}\n`;
    const exact =
      header + row.repeat(Math.floor((IMAP_USERS_CSV_LIMITS.maxBytes - header.length) / row.length));
    const padded =
      exact +
      `b@example.com,u,${'q'.repeat(IMAP_USERS_CSV_LIMITS.maxBytes - Buffer.byteLength(exact) - 'b@example.com,u,'.length)}`;
    expect(Buffer.byteLength(padded)).toBe(IMAP_USERS_CSV_LIMITS.maxBytes);
    // At the limit the file is read (and its repeated rows refused); a byte more and it is not.
    expect(parsed(padded).errors[0]).toEqual({ line: 3, reason: 'address repeats line 2' });
    expect(parsed(`${padded}q`)).toEqual({
      rows: [],
      errors: [{ line: 0, reason: 'the file is larger than 4194304 bytes' }],
    });
    const wide = csvOf(`a@example.com,u,${'é'.repeat(IMAP_USERS_CSV_LIMITS.maxBytes / 2)}`);
    expect(wide.length).toBeLessThan(IMAP_USERS_CSV_LIMITS.maxBytes);
    expect(parsed(wide).errors).toEqual([{ line: 0, reason: 'the file is larger than 4194304 bytes' }]);
  });
});

afterAll(() => {
  // Every reason above is Ferry's words: no address, username or password from any file is quoted.
  expect(reasons.length).toBeGreaterThan(40);
  for (const { reason } of reasons) expect(reason).not.toMatch(/planted|example\.com|pw|user\d/i);
});
