import { ProviderError } from '@ferry/providers/core';
import { masterUserLogin, validateImapLogin } from './imap-login';

describe('masterUserLogin', () => {
  it("joins user and master user with Dovecot's separator", () => {
    expect(masterUserLogin('mailbox.owner', 'migration-admin', 'm-pass')).toEqual({
      username: 'mailbox.owner*migration-admin',
      password: 'm-pass',
    });
  });

  it('uses the separator the server is configured with', () => {
    expect(masterUserLogin('owner', 'admin', 'm-pass', '%').username).toBe('owner%admin');
  });

  it.each([
    ['own*er', 'admin', '*'],
    ['owner', 'ad*min', '*'],
    ['', 'admin', '*'],
    ['owner', 'admin', '**'],
    ['owner', 'admin', ' '],
  ])('refuses user %j, master %j, separator %j', (user, master, separator) => {
    expect(() => masterUserLogin(user, master, 'm-pass', separator)).toThrow(ProviderError);
  });

  it('refuses an empty master password without echoing the names', () => {
    expect(() => masterUserLogin('planted-owner', 'planted-admin', '')).toThrow(
      expect.objectContaining({
        code: 'invalid-input',
        message: expect.not.stringMatching(/planted/) as unknown,
      }) as Error,
    );
  });
});

describe('validateImapLogin', () => {
  it.each([
    [{ username: 'a\r\nb LOGOUT', password: 'p' }, 'login.username'],
    [{ username: 'a', password: 'p\u0000q' }, 'login.password'],
    [{ username: 'a', password: 'x'.repeat(1025) }, 'login.password'],
    [{ username: 'a' }, 'login.password'],
    [undefined, 'login.username'],
  ])('refuses %j naming %s and never its value', (login, field) => {
    expect(() => validateImapLogin(login)).toThrow(
      expect.objectContaining({
        code: 'invalid-input',
        message: expect.stringMatching(new RegExp(`^${field} `)) as unknown,
      }) as Error,
    );
  });

  it('accepts any other text, spaces and quotes included', () => {
    expect(validateImapLogin({ username: 'first last@example.com', password: 'p "q" \\ r' })).toEqual({
      username: 'first last@example.com',
      password: 'p "q" \\ r',
    });
  });
});
