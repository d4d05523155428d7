import {
  type GoogleSettings,
  type ImapSettings,
  type MicrosoftSettings,
  validateSettings,
} from './connector-settings';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0D3C4A2B-1E5F-4A6B-9C8D-7E6F5A4B3C2D';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Fm\n-----END CERTIFICATE-----\n';

const fields = (violations: readonly { field: string }[]): string[] => violations.map((v) => v.field);
const microsoft = (o: Partial<MicrosoftSettings> = {}): MicrosoftSettings => ({
  kind: 'microsoft-365',
  auth: 'client-secret',
  tenantId: TENANT,
  clientId: CLIENT,
  cloud: 'global',
  ...o,
});
const google = (o: Partial<GoogleSettings> = {}): GoogleSettings => ({
  kind: 'google-workspace',
  auth: 'service-account',
  customerId: 'C01abc2de',
  ...o,
});
const imap = (o: Partial<ImapSettings> = {}): ImapSettings => ({
  kind: 'imap',
  host: 'imap.example.net',
  port: 993,
  security: 'implicit-tls',
  auth: 'per-user',
  ...o,
});
const custom = (authorityHost: string, graphOrigin = 'https://graph.sovereign.example'): MicrosoftSettings =>
  microsoft({ cloud: 'custom', endpoints: { authorityHost, graphOrigin } });

describe('Microsoft 365 settings', () => {
  it.each(['global', 'usgov', 'usgov-dod', 'china'] as const)('accepts the %s cloud', (cloud) => {
    expect(validateSettings(microsoft({ cloud }))).toEqual([]);
  });

  it('refuses an unknown cloud', () => {
    expect(fields(validateSettings(microsoft({ cloud: 'germany' as MicrosoftSettings['cloud'] })))).toEqual([
      'microsoft.cloud',
    ]);
  });

  it('needs the tenant and client ids as GUIDs (either case)', () => {
    expect(
      fields(validateSettings(microsoft({ tenantId: 'contoso.onmicrosoft.com', clientId: '' }))),
    ).toEqual(['microsoft.tenantId', 'microsoft.clientId']);
    expect(fields(validateSettings(microsoft({ tenantId: `${TENANT}x` })))).toEqual(['microsoft.tenantId']);
    expect(validateSettings(microsoft({ tenantId: TENANT.toUpperCase() }))).toEqual([]);
  });

  it('admin consent needs no tenant id yet (consent brings it)', () => {
    expect(validateSettings(microsoft({ auth: 'admin-consent', tenantId: '', clientId: '' }))).toEqual([]);
  });

  it('refuses an unknown authentication mode', () => {
    expect(fields(validateSettings(microsoft({ auth: 'password' as MicrosoftSettings['auth'] })))).toEqual([
      'microsoft.auth',
    ]);
  });

  it('needs the certificate for certificate authentication, at most 16 KiB of it', () => {
    expect(validateSettings(microsoft({ auth: 'certificate' }))).toEqual([
      { field: 'microsoft.certificatePem', reason: 'required for certificate authentication' },
    ]);
    const certificate = { pem: PEM, thumbprintSha256: '', notAfter: '' };
    expect(validateSettings(microsoft({ auth: 'certificate', certificate }))).toEqual([]);
    expect(
      validateSettings(
        microsoft({ auth: 'certificate', certificate: { ...certificate, pem: 'x'.repeat(16 * 1024) } }),
      ),
    ).toEqual([]);
    expect(
      validateSettings(
        microsoft({ auth: 'certificate', certificate: { ...certificate, pem: 'x'.repeat(16 * 1024 + 1) } }),
      ),
    ).toEqual([{ field: 'microsoft.certificatePem', reason: 'at most 16384 bytes' }]);
  });

  describe('custom cloud endpoints', () => {
    it.each([
      'https://login.sovereign.example',
      'https://login.sovereign.example/',
      'https://login.sovereign.example:8443',
    ])('accepts the https origin %s', (origin) => {
      expect(validateSettings(custom(origin))).toEqual([]);
    });

    it.each([
      ['plain http', 'http://login.sovereign.example'],
      ['a path', 'https://login.sovereign.example/tenant'],
      ['a query', 'https://login.sovereign.example?x=1'],
      ['a fragment', 'https://login.sovereign.example#x'],
      ['credentials', 'https://user:pass@login.sovereign.example'],
      ['a user name', 'https://user@login.sovereign.example'],
      ['no scheme', 'login.sovereign.example'],
      ['another scheme', 'ftp://login.sovereign.example'],
      ['the explicit default port (not the origin as written)', 'https://login.sovereign.example:443'],
      ['upper case (not the origin as written)', 'https://LOGIN.sovereign.example'],
      ['nothing', ''],
    ])('refuses an authority host with %s', (_label, origin) => {
      expect(validateSettings(custom(origin))).toEqual([
        { field: 'microsoft.authorityHost', reason: 'an https origin is required for a custom cloud' },
      ]);
    });

    it('checks the Graph origin as well', () => {
      expect(
        fields(validateSettings(custom('https://login.sovereign.example', 'http://graph.sovereign.example'))),
      ).toEqual(['microsoft.graphOrigin']);
    });

    it('needs both endpoints for a custom cloud', () => {
      expect(fields(validateSettings(microsoft({ cloud: 'custom' })))).toEqual([
        'microsoft.authorityHost',
        'microsoft.graphOrigin',
      ]);
    });

    it('refuses endpoints with a named cloud', () => {
      const s = microsoft({
        cloud: 'global',
        endpoints: { authorityHost: 'https://login.evil.example', graphOrigin: 'https://graph.evil.example' },
      });
      expect(validateSettings(s)).toEqual([
        { field: 'microsoft.cloud', reason: 'endpoints may be given only with cloud custom' },
      ]);
    });
  });
});

describe('Google Workspace settings', () => {
  it.each(['C01abc2de', 'C12345', 'my_customer', `C${'a'.repeat(20)}`])(
    'accepts the customer id %s',
    (customerId) => {
      expect(validateSettings(google({ customerId }))).toEqual([]);
    },
  );

  it.each(['', 'c01abc2de', 'C1234', `C${'a'.repeat(21)}`, 'C01ABC2DE', 'my_customer ', 'contoso.com'])(
    'refuses the customer id %j',
    (customerId) => {
      expect(fields(validateSettings(google({ customerId })))).toEqual(['google.customerId']);
    },
  );

  it('needs an OAuth client id for delegated connectors only', () => {
    expect(fields(validateSettings(google({ auth: 'delegated' })))).toEqual(['google.oauthClientId']);
    expect(fields(validateSettings(google({ auth: 'delegated', oauthClientId: 'has space' })))).toEqual([
      'google.oauthClientId',
    ]);
    expect(
      validateSettings(google({ auth: 'delegated', oauthClientId: '1234-abc.apps.googleusercontent.com' })),
    ).toEqual([]);
  });

  it('refuses an unknown authentication mode', () => {
    expect(fields(validateSettings(google({ auth: 'api-key' as GoogleSettings['auth'] })))).toEqual([
      'google.auth',
    ]);
  });
});

describe('IMAP settings', () => {
  it.each([
    'imap.example.net',
    'IMAP.Example.NET',
    'mail',
    '10.0.0.5',
    'xn--mnchen-3ya.example',
    '::1',
    '2001:db8::25',
    `${'a'.repeat(63)}.example`,
  ])('accepts the host %s', (host) => {
    expect(validateSettings(imap({ host }))).toEqual([]);
  });

  it.each([
    '',
    '-imap.example.net',
    'imap-.example.net',
    'imap..example.net',
    'imap_1.example.net',
    'imap.example.net.',
    'imap.example.net:993',
    'imaps://imap.example.net',
    '[::1]',
    'imap example.net',
    `${'a'.repeat(64)}.example`,
    `${'abcdefghi.'.repeat(25)}abcd`,
  ])('refuses the host %j', (host) => {
    expect(fields(validateSettings(imap({ host })))).toEqual(['imap.host']);
  });

  it('accepts ports 1-65535 and refuses the rest', () => {
    for (const port of [1, 143, 993, 65535]) expect(validateSettings(imap({ port }))).toEqual([]);
    for (const port of [0, -1, 65536, 993.5, Number.NaN])
      expect(fields(validateSettings(imap({ port })))).toEqual(['imap.port']);
  });

  it('accepts implicit TLS and STARTTLS only (never clear text)', () => {
    expect(validateSettings(imap({ security: 'starttls' }))).toEqual([]);
    for (const security of ['none', 'plain', 'tls']) {
      expect(fields(validateSettings(imap({ security: security as ImapSettings['security'] })))).toEqual([
        'imap.security',
      ]);
    }
  });

  it('refuses an unknown authentication mode', () => {
    expect(fields(validateSettings(imap({ auth: 'anonymous' as ImapSettings['auth'] })))).toEqual([
      'imap.auth',
    ]);
  });

  describe('master user', () => {
    it('is required for master-user login, 1-128 characters without spaces or control characters', () => {
      expect(validateSettings(imap({ auth: 'master-user', masterUser: 'dovecot-master' }))).toEqual([]);
      expect(validateSettings(imap({ auth: 'master-user', masterUser: 'm'.repeat(128) }))).toEqual([]);
      for (const masterUser of [
        undefined,
        '',
        'm'.repeat(129),
        'has space',
        'tab\tbed',
        'nul\u0000',
        'del\u007f',
      ]) {
        expect(
          fields(
            validateSettings(imap({ auth: 'master-user', ...(masterUser !== undefined && { masterUser }) })),
          ),
        ).toEqual(['imap.masterUser']);
      }
    });

    it('is not needed for per-user login', () => {
      expect(validateSettings(imap({ auth: 'per-user' }))).toEqual([]);
    });

    it.each(['*', '%', '#', '+', '!', '~'])('accepts the separator %j', (masterSeparator) => {
      expect(validateSettings(imap({ auth: 'master-user', masterUser: 'm', masterSeparator }))).toEqual([]);
    });

    it.each(['', 'a', '7', ' ', '**', '\u0000', '\u001b', '\u007f', 'é', '\u00a0', '\u2217'])(
      'refuses the separator %j (one ASCII punctuation character)',
      (masterSeparator) => {
        expect(validateSettings(imap({ auth: 'master-user', masterUser: 'm', masterSeparator }))).toEqual([
          { field: 'imap.masterSeparator', reason: 'one punctuation character' },
        ]);
      },
    );
  });

  describe('CA certificate', () => {
    it('accepts a PEM certificate, surrounding whitespace included', () => {
      expect(validateSettings(imap({ caCertificatePem: PEM }))).toEqual([]);
      expect(validateSettings(imap({ caCertificatePem: `\n  ${PEM}\n\n` }))).toEqual([]);
    });

    it.each([
      ['text', 'not a certificate'],
      ['a private key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'],
      ['an empty body', '-----BEGIN CERTIFICATE----------END CERTIFICATE-----'],
      ['trailing text', `${PEM}junk`],
      ['nothing', ''],
    ])('refuses %s', (_label, caCertificatePem) => {
      expect(validateSettings(imap({ caCertificatePem }))).toEqual([
        { field: 'imap.caCertificatePem', reason: 'must be a PEM certificate' },
      ]);
    });

    it('refuses more than 16 KiB', () => {
      const big = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(16 * 1024)}\n-----END CERTIFICATE-----`;
      expect(validateSettings(imap({ caCertificatePem: big }))).toEqual([
        { field: 'imap.caCertificatePem', reason: 'at most 16384 bytes' },
      ]);
    });
  });
});
