import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeMappingCsvError,
  MAPPING_CSV_LIMITS,
  type MappingCsvError,
  type MappingCsvResult,
  parseMappingCsv,
  writeMappingCsv,
} from './mapping-csv';

const FIXTURES = join(__dirname, 'fixtures');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const pairs = (result: MappingCsvResult): [number, string, string][] =>
  result.rows.map((r) => [r.line, r.sourceAddress, r.targetAddress]);
const csv = (...lines: string[]): string => ['source,target', ...lines].join('\n');

/** Every file parsed below, with its errors: no reason may quote what the file held. */
const seen: { input: string; errors: readonly MappingCsvError[] }[] = [];
const parsed = (input: string | Buffer): MappingCsvResult => {
  const result = parseMappingCsv(input);
  seen.push({ input: typeof input === 'string' ? input : input.toString('utf8'), errors: result.errors });
  return result;
};

describe('migration domain mapping csv', () => {
  describe('accepted files (fixtures/ok)', () => {
    it('every fixture parses without errors', () => {
      const names = readdirSync(join(FIXTURES, 'ok'));
      expect(names.length).toBeGreaterThanOrEqual(5);
      for (const name of names) expect([name, parsed(fixture(join('ok', name))).errors]).toEqual([name, []]);
    });

    it('reads source and target per row with its line', () => {
      expect(pairs(parsed(fixture('ok/basic.csv')))).toEqual([
        [2, 'alice@example.com', 'alice@contoso.example'],
        [3, 'bob@example.com', 'robert@contoso.example'],
        [4, 'carol@sub.example.org', 'carol@contoso.example'],
      ]);
    });

    it('takes a BOM, CRLF, the short header in any case with blanks, and lower-cases addresses', () => {
      expect(pairs(parsed(fixture('ok/bom-crlf-short-header.csv')))).toEqual([
        [2, 'dave@example.com', 'dave@contoso.example'],
        [3, 'erin@example.com', 'erin@contoso.example'],
      ]);
    });

    it('takes a file without a header', () => {
      expect(pairs(parsed(fixture('ok/no-header.csv'))).map(([line]) => line)).toEqual([1, 2]);
    });

    it('unquotes fields, trims blanks, skips blank and empty-cell lines and undoes formula neutralising', () => {
      expect(pairs(parsed(fixture('ok/quoting-blank-lines.csv')))).toEqual([
        [3, 'heidi@example.com', 'heidi@contoso.example'],
        [4, 'ivan@example.com', 'ivan@contoso.example'],
        [6, '-judy@example.com', '+judy@contoso.example'],
        [7, '=x@example.com', '=y@contoso.example'],
      ]);
    });

    it('keeps non-ASCII local parts and domains, NFC-normalised', () => {
      expect(pairs(parsed(fixture('ok/unicode.csv')))).toEqual([
        [2, 'j\u00fcrgen@b\u00fccher.example', 'juergen@contoso.example'],
        [3, 'zo\u00eb@example.com', 'zo\u00eb@contoso.example'],
        [4, '\u7530\u4e2d@\u4f8b\u3048.\u30c6\u30b9\u30c8', 'tanaka@contoso.example'],
      ]);
    });
  });

  describe('refused files (fixtures/not-ok)', () => {
    it.each<[string, MappingCsvError[]]>([
      ['empty.csv', [{ line: 0, reason: 'no mapping rows' }]],
      ['header-only.csv', [{ line: 0, reason: 'no mapping rows' }]],
      [
        'unknown-header.csv',
        [
          {
            line: 1,
            reason:
              'the first row is neither the header source,target or source_address,target_address nor a mapping row',
          },
        ],
      ],
      [
        'bad-addresses.csv',
        [
          { line: 2, reason: 'source is not an email address' },
          { line: 3, reason: 'source is not an email address' },
          { line: 4, reason: 'source is not an email address' },
          { line: 5, reason: 'source is not an email address' },
          { line: 6, reason: 'source is not an email address' },
          { line: 7, reason: 'source is not an email address' },
          { line: 8, reason: 'source is not an email address' },
          { line: 9, reason: 'source is not an email address' },
          { line: 10, reason: 'source is not an email address' },
          { line: 11, reason: 'target is not an email address' },
          { line: 12, reason: 'target is missing' },
        ],
      ],
      ['repeated-source.csv', [{ line: 4, reason: 'source repeats line 2' }]],
      ['repeated-target.csv', [{ line: 3, reason: 'target repeats line 2' }]],
      [
        'column-count.csv',
        [
          { line: 2, reason: 'expected 2 columns (source, target), found 1' },
          { line: 3, reason: 'expected 2 columns (source, target), found 3' },
        ],
      ],
      [
        'unclosed-quote.csv',
        [{ line: 2, reason: 'not valid CSV (a quoted field is not closed on its line)' }],
      ],
      [
        'stray-quotes.csv',
        [
          { line: 2, reason: 'not valid CSV (a quote inside a field that does not start with one)' },
          { line: 3, reason: 'not valid CSV (text after a closing quote)' },
        ],
      ],
      ['one-bad-row.csv', [{ line: 4, reason: 'source is not an email address' }]],
      [
        'line-break-in-field.csv',
        [
          { line: 2, reason: 'not valid CSV (a quoted field is not closed on its line)' },
          { line: 3, reason: 'not valid CSV (a quoted field is not closed on its line)' },
        ],
      ],
    ])('%s', (name, errors) => {
      const result = parsed(fixture(join('not-ok', name)));
      expect(result.errors).toEqual(errors);
      expect(result.rows).toEqual([]);
    });

    it('covers every not-ok fixture above', () => {
      expect(readdirSync(join(FIXTURES, 'not-ok')).length).toBe(11);
    });
  });

  describe('limits', () => {
    it('refuses a file over 4 MiB before reading it', () => {
      const big = Buffer.alloc(MAPPING_CSV_LIMITS.maxBytes + 1, 0x61);
      expect(parsed(big).errors).toEqual([{ line: 0, reason: 'the file is larger than 4194304 bytes' }]);
      expect(parsed(big.toString('latin1')).errors).toEqual([
        { line: 0, reason: 'the file is larger than 4194304 bytes' },
      ]);
    });

    it('takes 50,000 rows and refuses 50,001', () => {
      const rows = (n: number) =>
        Array.from({ length: n }, (_, i) => `u${i}@example.com,u${i}@contoso.example`);
      const full = parsed(csv(...rows(50_000)));
      expect(full.errors).toEqual([]);
      expect(full.rows).toHaveLength(50_000);
      expect(full.rows[49_999]).toEqual({
        line: 50_001,
        sourceAddress: 'u49999@example.com',
        targetAddress: 'u49999@contoso.example',
      });
      expect(parsed(csv(...rows(50_001))).errors).toEqual([{ line: 0, reason: 'more than 50000 rows' }]);
    });

    it('refuses a line over 1,000 bytes (counted in UTF-8) and takes one of exactly 1,000', () => {
      const line = (bytes: number) => `a@example.com,${'\u00e9'.repeat((bytes - 30) / 2)}@contoso.example`;
      expect(Buffer.byteLength(line(1000))).toBe(1000);
      expect(parsed(csv(line(1002))).errors).toEqual([
        { line: 2, reason: 'the line is longer than 1000 bytes' },
      ]);
      expect(parsed(csv(line(1000))).errors).toEqual([
        { line: 2, reason: 'target is longer than 320 characters' },
      ]);
    });

    it('refuses an address over 320 characters and takes one of 320', () => {
      const of = (n: number) => `${'l'.repeat(64)}@${'d'.repeat(n - 65 - 4)}.com`;
      expect(of(320)).toHaveLength(320);
      expect(parsed(csv(`${of(321)},x@contoso.example`)).errors).toEqual([
        { line: 2, reason: 'source is longer than 320 characters' },
      ]);
      // 320 characters, but one label longer than 63: the length rule passes, the domain rule does not.
      expect(parsed(csv(`${of(320)},x@contoso.example`)).errors).toEqual([
        { line: 2, reason: 'source is not an email address' },
      ]);
      const labels = `${'l'.repeat(64)}@${Array.from({ length: 4 }, () => 'd'.repeat(62)).join('.')}.com`;
      expect(labels).toHaveLength(320);
      expect(parsed(csv(`${labels},x@contoso.example`)).errors).toEqual([]);
    });

    it('refuses bytes that are not UTF-8', () => {
      expect(
        parsed(Buffer.from([0x73, 0x2c, 0x74, 0x0a, 0xff, 0xfe, 0x40, 0x61, 0x2c, 0x62])).errors,
      ).toEqual([{ line: 0, reason: 'the file is not UTF-8 text' }]);
    });
  });

  describe('errors', () => {
    it('a row can have both columns wrong, and each repeat names the first line', () => {
      expect(
        parsed(csv('nope,nada', 'a@example.com,t@contoso.example', 'A@example.com,T@contoso.example')).errors,
      ).toEqual([
        { line: 2, reason: 'source is not an email address' },
        { line: 2, reason: 'target is not an email address' },
        { line: 4, reason: 'source repeats line 3' },
        { line: 4, reason: 'target repeats line 3' },
      ]);
    });

    it('reads as "line N: reason", or "file: reason" for the file as a whole', () => {
      expect(describeMappingCsvError({ line: 12, reason: 'source is not an email address' })).toBe(
        'line 12: source is not an email address',
      );
      expect(describeMappingCsvError({ line: 0, reason: 'no mapping rows' })).toBe('file: no mapping rows');
    });
  });

  describe('export', () => {
    it('writes the header, CRLF, RFC 4180 quoting and neutralises formula-like cells', () => {
      const out = writeMappingCsv([
        { sourceAddress: 'alice@example.com', targetAddress: 'alice@contoso.example' },
        { sourceAddress: '=cmd@example.com', targetAddress: '-x@contoso.example' },
        { sourceAddress: '+y@example.com', targetAddress: '@SUM(A1)' },
        { sourceAddress: 'a,b"c', targetAddress: '\tz' },
      ]);
      expect(out).toBe(
        'source_address,target_address\r\n' +
          'alice@example.com,alice@contoso.example\r\n' +
          "'=cmd@example.com,'-x@contoso.example\r\n" +
          "'+y@example.com,'@SUM(A1)\r\n" +
          `"a,b""c",'\tz\r\n`,
      );
    });

    it('an exported mapping imports back unchanged', () => {
      const rows = [
        { sourceAddress: 'alice@example.com', targetAddress: 'alice@contoso.example' },
        { sourceAddress: '-bob@example.com', targetAddress: '+bob@contoso.example' },
        { sourceAddress: '=carol@example.com', targetAddress: 'zo\u00eb@contoso.example' },
      ];
      expect(
        parsed(writeMappingCsv(rows)).rows.map(({ sourceAddress, targetAddress }) => ({
          sourceAddress,
          targetAddress,
        })),
      ).toEqual(rows);
    });
  });

  afterAll(() => {
    // No reason may quote an address or any other text of the file it refused.
    const quoted = seen.flatMap(({ input, errors }) => {
      if (errors.length === 0) return [];
      const cells = input
        .split(/[\r\n,"]+/)
        .map((c) => c.trim())
        .filter((c) => c.includes('@'));
      return errors.filter((e) => cells.some((cell) => e.reason.includes(cell)));
    });
    expect(seen.filter((s) => s.errors.length > 0).length).toBeGreaterThan(15);
    expect(quoted).toEqual([]);
  });
});
