import { type ConnectorSettings } from './connector-settings';
import {
  isUserCredentialField,
  primarySecretField,
  type SecretField,
  userCredentialField,
} from './secret-fields';

const ms = (auth: 'certificate' | 'client-secret' | 'admin-consent' | 'delegated'): ConnectorSettings => ({
  kind: 'microsoft-365',
  auth,
  tenantId: '',
  clientId: '',
  cloud: 'global',
});

describe('primary secret field', () => {
  it.each<[string, ConnectorSettings, SecretField | null]>([
    ['Microsoft certificate', ms('certificate'), 'certificate-key'],
    ['Microsoft client secret', ms('client-secret'), 'client-secret'],
    ['Microsoft delegated', ms('delegated'), 'client-secret'],
    ['Microsoft admin consent', ms('admin-consent'), null],
    [
      'Google service account',
      { kind: 'google-workspace', auth: 'service-account', customerId: 'C01abc2de' },
      'service-account-key',
    ],
    [
      'Google delegated',
      { kind: 'google-workspace', auth: 'delegated', customerId: 'C01abc2de', oauthClientId: 'x' },
      'oauth-client-secret',
    ],
    [
      'IMAP master user',
      { kind: 'imap', host: 'h', port: 993, security: 'implicit-tls', auth: 'master-user', masterUser: 'm' },
      'master-password',
    ],
    [
      'IMAP per user',
      { kind: 'imap', host: 'h', port: 993, security: 'implicit-tls', auth: 'per-user' },
      null,
    ],
  ])('%s: %j', (_label, settings, field) => {
    expect(primarySecretField(settings)).toBe(field);
  });
});

describe('user credential field', () => {
  it('keys a credential by the pseudonym under user/', () => {
    const field = userCredentialField('u_abcdefghij0123456789');
    expect(field).toBe('user/u_abcdefghij0123456789');
    expect(isUserCredentialField(field)).toBe(true);
  });

  it('accepts pseudonyms of 16 to 64 URL-safe characters', () => {
    expect(() => userCredentialField('a'.repeat(16))).not.toThrow();
    expect(() => userCredentialField('A-_9'.repeat(16))).not.toThrow();
    expect(() => userCredentialField('a'.repeat(15))).toThrow();
    expect(() => userCredentialField('a'.repeat(65))).toThrow();
  });

  it.each([
    'alice@contoso.com',
    'Alice.Admin.Contoso',
    '../../master-pass',
    'u_0123456789abcdef/x',
    'u_0123456789abcdef\n',
  ])('refuses %j (an address or a path is never a vault key) without echoing it', (value) => {
    expect(() => userCredentialField(value)).toThrow('a user credential is keyed by a pseudonym');
  });

  it('tells connector-level fields from user credentials', () => {
    for (const field of [
      'client-secret',
      'certificate-key',
      'service-account-key',
      'oauth-client-secret',
      'master-password',
      'admin-user',
    ]) {
      expect(isUserCredentialField(field)).toBe(false);
    }
  });
});
