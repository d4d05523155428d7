import { checkPassword, passwordLength } from './password-policy';

const withMfa = { mfa: true, loginName: 'alice' };
const withoutMfa = { mfa: false, loginName: 'alice' };
// Not in the common list: a random-looking base.
const chars = (n: number) => 'kq7Zv!mW2x#Rb9Tp'.repeat(5).slice(0, n);

describe('password policy', () => {
  it('with MFA refuses 7 characters and accepts 8', () => {
    expect(checkPassword(chars(7), withMfa)).toBe('too-short');
    expect(checkPassword(chars(8), withMfa)).toBeNull();
  });

  it('without MFA refuses 14 characters and accepts 15', () => {
    expect(checkPassword(chars(14), withoutMfa)).toBe('too-short');
    expect(checkPassword(chars(15), withoutMfa)).toBeNull();
  });

  it('accepts 64 characters and refuses 65', () => {
    expect(checkPassword(chars(64), withMfa)).toBeNull();
    expect(checkPassword(chars(65), withMfa)).toBe('too-long');
    expect(checkPassword(chars(65), withoutMfa)).toBe('too-long');
  });

  it('counts an emoji as one code point', () => {
    const sevenPlusEmoji = `${chars(7)}😀`;
    expect(sevenPlusEmoji.length).toBe(9);
    expect(passwordLength(sevenPlusEmoji)).toBe(8);
    expect(checkPassword(sevenPlusEmoji, withMfa)).toBeNull();
    expect(checkPassword('😀'.repeat(64), withMfa)).toBeNull();
    expect(checkPassword('😀'.repeat(65), withMfa)).toBe('too-long');
  });

  it('counts after NFC, so a decomposed accent is one character', () => {
    expect(passwordLength('e\u0301'.repeat(8))).toBe(8);
    expect(checkPassword('e\u0301'.repeat(7), withMfa)).toBe('too-short');
  });

  it('refuses a common password in any case', () => {
    expect(checkPassword('password', withMfa)).toBe('common');
    expect(checkPassword('PassWord', withMfa)).toBe('common');
    expect(checkPassword('QWERTY123', withMfa)).toBe('common');
  });

  it('refuses the login name as password, case-insensitively', () => {
    const ctx = { mfa: true, loginName: 'it.admin.contoso' };
    expect(checkPassword('IT.Admin.Contoso', ctx)).toBe('same-as-login-name');
  });

  it('has no composition rules: a long lower-case passphrase is fine', () => {
    expect(checkPassword('correct horse battery staple', withoutMfa)).toBeNull();
  });
});
