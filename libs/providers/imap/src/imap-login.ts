import { ProviderError } from '@ferry/providers/core';

/** One IMAP login. A secret: kept in memory only, never logged, never put in an error or a finding. */
export interface ImapLogin {
  readonly username: string;
  readonly password: string;
}

const MAX_LENGTH = 1024;
// NUL ends a SASL PLAIN field and CR/LF end an IMAP line: either would change what the server reads.
const hasLineBreakOrNul = (value: string): boolean =>
  value.includes('\u0000') || value.includes('\r') || value.includes('\n');

/**
 * Checks a login's shape (non-empty, bounded, no NUL/CR/LF) before it is sent anywhere.
 * @throws ProviderError `invalid-input` naming the field, never its value.
 */
export function validateImapLogin(login: unknown, field = 'login'): ImapLogin {
  const fields = (typeof login === 'object' && login !== null ? login : {}) as Record<string, unknown>;
  const { username, password } = fields;
  if (!isLoginText(username)) throw invalidLogin(`${field}.username`);
  if (!isLoginText(password)) throw invalidLogin(`${field}.password`);
  return { username, password };
}

/**
 * The login for a Dovecot-style master user (an admin or proxy account that may open any mailbox):
 * the server reads `<user><separator><masterUser>` as "log in as `user`, authenticated by the master
 * user's password". The separator is the server's `auth_master_user_separator` (Dovecot's usual `*`).
 * @throws ProviderError `invalid-input` when a name is empty or contains the separator (it would
 *   split in the wrong place), or the separator is not one visible character.
 */
export function masterUserLogin(
  user: string,
  masterUser: string,
  masterPassword: string,
  separator = '*',
): ImapLogin {
  if (typeof separator !== 'string' || !/^[!-~]$/.test(separator)) {
    throw new ProviderError(
      'invalid-input',
      'master login: the separator must be one visible ASCII character',
    );
  }
  if (!isLoginText(user) || user.includes(separator))
    throw invalidLogin('master login: user', ', or the separator');
  if (!isLoginText(masterUser) || masterUser.includes(separator)) {
    throw invalidLogin('master login: master user', ', or the separator');
  }
  return validateImapLogin(
    { username: `${user}${separator}${masterUser}`, password: masterPassword },
    'master login',
  );
}

function isLoginText(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= MAX_LENGTH && !hasLineBreakOrNul(value)
  );
}

function invalidLogin(field: string, alsoRefused = ''): ProviderError {
  return new ProviderError(
    'invalid-input',
    `${field} is empty, longer than ${MAX_LENGTH} characters, or contains a line break or NUL${alsoRefused}`,
  );
}
