import { VendorError } from '../../http/vendor-error';
import { evaluate, parseQuery, type QueryView } from './drive-query';

const file = (over: Partial<QueryView> = {}): QueryView => ({
  name: 'Quarterly Report.pdf',
  mimeType: 'application/pdf',
  modifiedTime: Date.parse('2024-06-01T12:00:00Z'),
  createdTime: Date.parse('2024-01-01T00:00:00Z'),
  trashed: false,
  starred: false,
  parents: ['folder-1'],
  owners: ['ada@fabrikam.example'],
  writers: ['ada@fabrikam.example'],
  readers: ['ada@fabrikam.example', 'bob@fabrikam.example'],
  sharedWithMe: false,
  properties: { source: 'm365' },
  appProperties: {},
  ...over,
});
const aliases = { me: 'ada@fabrikam.example', root: 'root-id' };
const matches = (q: string, f: QueryView = file()): boolean => evaluate(parseQuery(q), f, aliases);

describe('Drive q language', () => {
  it('matches parents, trashed, mimeType and name terms', () => {
    expect(matches("'folder-1' in parents")).toBe(true);
    expect(matches("'folder-2' in parents")).toBe(false);
    expect(matches("'root' in parents", file({ parents: ['root-id'] }))).toBe(true);
    expect(matches('trashed = false')).toBe(true);
    expect(matches('trashed = true')).toBe(false);
    expect(matches("mimeType = 'application/pdf'")).toBe(true);
    expect(matches("mimeType != 'application/vnd.google-apps.folder'")).toBe(true);
    expect(matches("name = 'Quarterly Report.pdf'")).toBe(true);
    expect(matches("name = 'quarterly report.pdf'")).toBe(false);
  });

  it('treats name contains as a word-prefix match, as Drive does', () => {
    expect(matches("name contains 'Quar'")).toBe(true);
    expect(matches("name contains 'report'")).toBe(true);
    expect(matches("name contains 'port'")).toBe(false);
  });

  it('compares RFC 3339 times', () => {
    expect(matches("modifiedTime > '2024-05-01T00:00:00Z'")).toBe(true);
    expect(matches("modifiedTime > '2024-07-01T00:00:00'")).toBe(false);
    expect(matches("createdTime <= '2024-01-01T00:00:00Z'")).toBe(true);
  });

  it('combines terms with and, or, not and parentheses (and binds tighter than or)', () => {
    expect(matches("'folder-1' in parents and trashed = false and mimeType = 'application/pdf'")).toBe(true);
    expect(matches("name = 'x' or name = 'Quarterly Report.pdf'")).toBe(true);
    expect(matches("name = 'x' or name = 'y' and trashed = false")).toBe(false);
    expect(matches("not (name = 'x' or trashed = true)")).toBe(true);
    expect(
      matches(
        "'me' in owners and 'bob@fabrikam.example' in readers and not 'bob@fabrikam.example' in writers",
      ),
    ).toBe(true);
    expect(matches("properties has { key='source' and value='m365' }")).toBe(true);
    expect(matches("properties has { key='source' and value='gmail' }")).toBe(false);
  });

  it('reads escaped quotes in string literals', () => {
    expect(matches("name = 'O\\'Brien\\'s notes'", file({ name: "O'Brien's notes" }))).toBe(true);
  });

  it.each([
    "name = 'unterminated",
    'name = foo',
    "size > '10'",
    "name > 'a'",
    "'x' in colours",
    "trashed = 'no'",
    "modifiedTime > 'yesterday'",
    "name = 'a' and",
    '(trashed = false',
    '',
  ])('rejects %p with 400 Invalid Value at q', (q) => {
    let error: unknown;
    try {
      parseQuery(q);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VendorError);
    expect((error as VendorError).status).toBe(400);
    expect((error as VendorError).body).toMatchObject({
      error: {
        message: 'Invalid Value',
        errors: [{ reason: 'invalid', location: 'q', locationType: 'parameter' }],
      },
    });
  });
});
