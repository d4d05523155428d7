import { isPersonalKey, isSecretKey, keyWords } from './sensitive-keys.constants';

describe('isSecretKey', () => {
  it.each([
    'authorization',
    'Authorization',
    'http.request.header.authorization',
    'http.request.header.x-api-key',
    'set-cookie',
    'http.response.header.set_cookie',
    'clientSecret',
    'client_secret',
    'refresh_token',
    'accessToken',
    'password_hash',
    'PASSWD',
    'privateKey',
    'saml.assertion',
    'code_verifier',
    'FERRY_PSEUDONYM_KEY',
  ])('matches %s', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'http.response.status_code',
    'url.full',
    'messaging.destination.name',
    'mailbox_id',
    'keys',
    'tokenizer',
  ])('does not match %s', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('isPersonalKey', () => {
  it.each(['email', 'senderEmail', 'user.mail', 'upn', 'userPrincipalName'])('matches %s', (key) => {
    expect(isPersonalKey(key)).toBe(true);
  });

  it.each(['mail_queue_id', 'mailbox', 'emailCount'])('does not match %s', (key) => {
    expect(isPersonalKey(key)).toBe(false);
  });
});

describe('keyWords', () => {
  it('splits separators and camel case', () => {
    expect(keyWords('http.request.header.X-Api-Key')).toEqual([
      'http',
      'request',
      'header',
      'x',
      'api',
      'key',
    ]);
    expect(keyWords('userPrincipalName')).toEqual(['user', 'principal', 'name']);
  });
});
