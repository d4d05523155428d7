import { rootCertificates } from 'node:tls';
import { validateImapEndpoint } from './imap-endpoint';

const PUBLIC_CA = rootCertificates[0] ?? '';

/** Expects `input` to be refused as invalid input with a message matching `message`. */
function expectRefused(input: unknown, message: RegExp): void {
  expect(() => validateImapEndpoint(input)).toThrow(
    expect.objectContaining({
      code: 'invalid-input',
      message: expect.stringMatching(message) as unknown,
    }) as Error,
  );
}

describe('validateImapEndpoint', () => {
  it('returns the host in canonical form and only the known fields', () => {
    expect(
      validateImapEndpoint({ host: 'IMAP.Example.COM.', port: 993, security: 'implicit-tls', extra: 'x' }),
    ).toEqual({
      host: 'imap.example.com',
      port: 993,
      security: 'implicit-tls',
    });
    expect(validateImapEndpoint({ host: '203.0.113.7', port: 143, security: 'starttls' })).toEqual({
      host: '203.0.113.7',
      port: 143,
      security: 'starttls',
    });
  });

  it('keeps an extra CA made of PEM certificates', () => {
    const ca = `${PUBLIC_CA}\n${PUBLIC_CA}`;
    expect(
      validateImapEndpoint({ host: 'imap.example.com', port: 993, security: 'implicit-tls', ca }).ca,
    ).toBe(ca);
  });

  it.each([
    [{ host: 'imap example.com', port: 993, security: 'implicit-tls' }, 'host'],
    [{ host: 'imap.example.com:993', port: 993, security: 'implicit-tls' }, 'host'],
    [{ host: 42, port: 993, security: 'implicit-tls' }, 'host'],
    [{ port: 993, security: 'implicit-tls' }, 'host'],
    [{ host: 'imap.example.com', port: 0, security: 'implicit-tls' }, 'port'],
    [{ host: 'imap.example.com', port: 65_536, security: 'implicit-tls' }, 'port'],
    [{ host: 'imap.example.com', port: 993.5, security: 'implicit-tls' }, 'port'],
    [{ host: 'imap.example.com', port: '993', security: 'implicit-tls' }, 'port'],
    [{ host: 'imap.example.com', port: 143, security: 'none' }, 'security'],
    [{ host: 'imap.example.com', port: 143 }, 'security'],
    [{ host: 'imap.example.com', port: 993, security: 'implicit-tls', ca: 'not a certificate' }, 'ca'],
    [
      { host: 'imap.example.com', port: 993, security: 'implicit-tls', ca: `${PUBLIC_CA}trailing text` },
      'ca',
    ],
    [
      {
        host: 'imap.example.com',
        port: 993,
        security: 'implicit-tls',
        ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      },
      'ca',
    ],
    [null, 'host'],
  ])('refuses %j as invalid input naming %s', (input, field) => {
    expectRefused(input, new RegExp(`^IMAP endpoint: ${field} `));
  });

  it('never echoes the refused value', () => {
    expectRefused(
      { host: 'planted:hunter2@imap.example.com', port: 993, security: 'implicit-tls' },
      /^(?!.*(hunter2|planted))/,
    );
  });
});
