import { normaliseLoginName, validateDisplayName } from './login-name';

describe('login name normalisation', () => {
  it('trims and lower-cases', () => {
    expect(normaliseLoginName('  Alice.Admin@Contoso ')).toEqual({ ok: true, value: 'alice.admin@contoso' });
  });

  it('folds full-width letters to ASCII under NFKC', () => {
    expect(normaliseLoginName('ＡＤＭＩＮ')).toEqual({ ok: true, value: 'admin' });
  });

  it('refuses a Unicode confusable (Cyrillic а) outright', () => {
    expect(normaliseLoginName('\u0430dmin')).toMatchObject({ ok: false });
  });

  it.each(["admin'--", 'a;drop table accounts', 'x or 1=1', 'a"b', 'a%b', 'a\\b', 'a*b', 'a\u0000b'])(
    'refuses the SQL-special name %j',
    (raw) => {
      expect(normaliseLoginName(raw).ok).toBe(false);
    },
  );

  it('accepts 1 and 64 characters and refuses 0 and 65', () => {
    expect(normaliseLoginName('a')).toEqual({ ok: true, value: 'a' });
    expect(normaliseLoginName('a'.repeat(64)).ok).toBe(true);
    expect(normaliseLoginName('a'.repeat(65))).toEqual({ ok: false, reason: 'at most 64 characters' });
    expect(normaliseLoginName('   ')).toEqual({ ok: false, reason: 'required' });
  });

  it('refuses names that start or end with punctuation', () => {
    for (const raw of ['.alice', 'alice.', '-a', 'a@', '_x']) expect(normaliseLoginName(raw).ok).toBe(false);
  });

  it('never echoes the refused value in its reason', () => {
    const result = normaliseLoginName('secret\u0430value');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});

describe('display name validation', () => {
  it('trims and applies NFC', () => {
    expect(validateDisplayName('  IT Admin\u0065\u0301 ')).toEqual({ ok: true, value: 'IT Admin\u00e9' });
  });

  it('counts code points: 100 emoji are accepted, 101 refused', () => {
    expect(validateDisplayName('😀'.repeat(100)).ok).toBe(true);
    expect(validateDisplayName('😀'.repeat(101))).toEqual({ ok: false, reason: 'at most 100 characters' });
  });

  it('refuses control and bidi-override characters', () => {
    for (const raw of ['IT\nAdmin', 'IT\u0007Admin', 'abc\u202Efdp.exe', 'a\u2066b', 'a\u0085b'])
      expect(validateDisplayName(raw).ok).toBe(false);
  });

  it('refuses an empty name', () => {
    expect(validateDisplayName(' \t ')).toEqual({ ok: false, reason: 'required' });
  });
});
