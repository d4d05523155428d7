import { rootCertificates } from 'node:tls';
import { imapClientOptions } from './imap-client-options';
import type { ImapEndpoint } from './imap-endpoint';

const CUSTOMER_CA = '-----BEGIN CERTIFICATE-----\ncustomer\n-----END CERTIFICATE-----\n';
const IMPLICIT: ImapEndpoint = { host: 'imap.example.com', port: 993, security: 'implicit-tls' };
const STARTTLS: ImapEndpoint = { host: 'imap.example.com', port: 143, security: 'starttls' };

/** The options for one attempt to the checked address 203.0.113.7. */
const optionsFor = (endpoint: ImapEndpoint, timeoutMs = 5_000) =>
  imapClientOptions(endpoint, '203.0.113.7', { username: 'owner', password: 'p' }, timeoutMs);

describe('imapClientOptions', () => {
  it.each<ImapEndpoint>([IMPLICIT, STARTTLS, { ...IMPLICIT, ca: CUSTOMER_CA }])(
    'requires TLS 1.2+ and a verified certificate for %j',
    (endpoint) => {
      const { tls } = optionsFor(endpoint);
      expect(tls).toMatchObject({ minVersion: 'TLSv1.2', rejectUnauthorized: true });
      // No TLS 1.1 client can come out of here: nothing lowers minVersion or replaces the identity check.
      expect(tls).not.toHaveProperty('maxVersion');
      expect(tls).not.toHaveProperty('secureProtocol');
      expect(tls).not.toHaveProperty('checkServerIdentity');
    },
  );

  it('connects to the checked address and verifies the certificate against the host name', () => {
    const options = optionsFor(IMPLICIT);
    expect(options).toMatchObject({
      host: '203.0.113.7',
      port: 993,
      servername: 'imap.example.com',
      secure: true,
    });
    expect(options.doSTARTTLS).toBeUndefined();
  });

  it('verifies an IP-literal endpoint against the IP (no servername)', () => {
    const options = optionsFor({ ...IMPLICIT, host: '203.0.113.7' });
    expect(options.servername).toBeUndefined();
    expect(options.host).toBe('203.0.113.7');
  });

  it('requires STARTTLS in starttls mode instead of falling back to cleartext', () => {
    expect(optionsFor(STARTTLS)).toMatchObject({ secure: false, doSTARTTLS: true });
  });

  it('adds a customer CA to the public CAs rather than replacing them', () => {
    const ca = optionsFor({ ...IMPLICIT, ca: CUSTOMER_CA }).tls?.ca as string[];
    expect(ca).toContain(CUSTOMER_CA);
    expect(ca).toEqual(expect.arrayContaining([...rootCertificates]));
    expect(optionsFor(IMPLICIT).tls).not.toHaveProperty('ca');
  });

  it('turns imapflow logging off and bounds every wait', () => {
    const options = optionsFor(IMPLICIT, 7_000);
    expect(options).toMatchObject({ logger: false, emitLogs: false, logRaw: false });
    expect(options).toMatchObject({ connectionTimeout: 7_000, greetingTimeout: 7_000 });
    for (const limit of ['socketTimeout', 'maxLiteralSize', 'maxLineLength', 'maxResponseSize'] as const) {
      expect(options[limit]).toBeGreaterThan(0);
    }
  });
});
