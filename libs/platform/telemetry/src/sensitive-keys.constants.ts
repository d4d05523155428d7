/**
 * Key words whose values are credentials. A key is sensitive when any of its words (split on `.`,
 * `_`, `-` and camelCase humps) is one of these, or two adjacent words form one, so
 * `http.request.header.authorization`, `clientSecret`, `x-api-key` and `password_hash` all match.
 */
export const SECRET_KEY_WORDS: readonly string[] = [
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'private_key',
  'pseudonym_key',
  'signing_key',
  'encryption_key',
  'assertion',
  'code_verifier',
  'otp',
  'totp',
];

/**
 * Names of keys whose values identify a person; logs redact them, traces pseudonymise their values.
 * These match as a whole key or its last words (`email`, `sender_email`, `user.upn`), not anywhere,
 * so `mail_queue_id` stays readable.
 */
export const PERSONAL_KEY_WORDS: readonly string[] = ['email', 'mail', 'upn', 'user_principal_name'];

/** Splits a key into lower-case words: `x-Api-Key` and `apiKey` both give `['x', 'api', 'key']`. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

function anyWord(list: readonly string[]): (key: string) => boolean {
  const entries = new Set(list);
  return (key) => {
    const words = keyWords(key);
    return words.some((w, i) => entries.has(w) || (i > 0 && entries.has(`${words[i - 1]}_${w}`)));
  };
}

function lastWords(list: readonly string[]): (key: string) => boolean {
  return (key) => {
    const joined = `_${keyWords(key).join('_')}`;
    return list.some((entry) => joined.endsWith(`_${entry}`));
  };
}

/** True when `key` names a credential (see {@link SECRET_KEY_WORDS}). */
export const isSecretKey = anyWord(SECRET_KEY_WORDS);

/** True when `key` names a personal identifier (see {@link PERSONAL_KEY_WORDS}). */
export const isPersonalKey = lastWords(PERSONAL_KEY_WORDS);
