import { isAdvanced, matchesFilter, parseFilter } from './odata-filter';

describe('OData $filter subset', () => {
  const alice = {
    userPrincipalName: 'Alice@contoso.example',
    mail: 'alice@contoso.example',
    accountEnabled: true,
    jobTitle: null,
  };

  it('evaluates eq, startswith, in, and/or/not case-insensitively', () => {
    expect(matchesFilter(parseFilter("userPrincipalName eq 'alice@CONTOSO.example'"), alice)).toBe(true);
    expect(matchesFilter(parseFilter("startswith(mail,'ALI') and accountEnabled eq true"), alice)).toBe(true);
    expect(matchesFilter(parseFilter("mail in ('bob@x', 'alice@contoso.example')"), alice)).toBe(true);
    expect(matchesFilter(parseFilter("(mail eq 'x' or mail eq 'y') and accountEnabled eq true"), alice)).toBe(
      false,
    );
    expect(matchesFilter(parseFilter('jobTitle eq null'), alice)).toBe(true);
    expect(matchesFilter(parseFilter("not(startswith(mail,'bob'))"), alice)).toBe(true);
  });

  it("reads doubled quotes inside literals ('O''Brien')", () => {
    expect(matchesFilter(parseFilter("surname eq 'O''Brien'"), { surname: "O'Brien" })).toBe(true);
  });

  it('marks ne, not and endswith as advanced queries', () => {
    expect(isAdvanced(parseFilter("mail eq 'a'"))).toBe(false);
    expect(isAdvanced(parseFilter("mail ne 'a'"))).toBe(true);
    expect(isAdvanced(parseFilter("mail eq 'a' or endswith(mail,'b')"))).toBe(true);
  });

  it('rejects syntax errors and unsupported operators with 400s', () => {
    expect(() => parseFilter("mail eq 'open")).toThrow();
    expect(() => parseFilter("mail gt 'a'")).toThrow();
    expect(() => parseFilter("mail eq 'a' extra")).toThrow();
  });
});
