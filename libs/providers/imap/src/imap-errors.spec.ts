import { DestinationRefusedError } from '@ferry/platform/net';
import { toImapProviderError } from './imap-errors';

const endpoint = { host: 'imap.example.com', port: 993, security: 'implicit-tls' } as const;
// What a hostile or chatty server might put in its answer; none of it may reach a Ferry message.
const SERVER_TEXT = 'NO [AUTHENTICATIONFAILED] planted.user@example.com / Planted-Secret';

function nodeError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: ${SERVER_TEXT}`), { code }, extra);
}

describe('toImapProviderError', () => {
  it.each([
    [
      { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', response: SERVER_TEXT },
      'invalid-credentials',
      'the server refused the login',
      'AUTHENTICATIONFAILED',
    ],
    [
      { authenticationFailed: true, response: SERVER_TEXT },
      'invalid-credentials',
      'the server refused the login',
      undefined,
    ],
    [
      { authenticationFailed: true, serverResponseCode: 'UNAVAILABLE', response: SERVER_TEXT },
      'provider-error',
      'could not check the login right now',
      'UNAVAILABLE',
    ],
    [{ authenticationFailed: true }, 'provider-error', 'no login method Ferry can use', undefined],
    [
      nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      'unreachable',
      'certificate not trusted',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ],
    [
      nodeError('SELF_SIGNED_CERT_IN_CHAIN'),
      'unreachable',
      'certificate not trusted',
      'SELF_SIGNED_CERT_IN_CHAIN',
    ],
    [
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID'),
      'unreachable',
      'certificate does not match the host name',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ],
    [nodeError('CERT_HAS_EXPIRED'), 'unreachable', 'certificate expired', 'CERT_HAS_EXPIRED'],
    [
      nodeError('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'),
      'unreachable',
      'TLS handshake failed',
      'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    ],
    [
      Object.assign(new Error('Server does not support STARTTLS'), { tlsFailed: true }),
      'unreachable',
      'did not offer STARTTLS',
      undefined,
    ],
    [
      nodeError('STARTTLS_INJECTION', { tlsFailed: true }),
      'unreachable',
      'injected before the TLS handshake',
      'STARTTLS_INJECTION',
    ],
    [nodeError('ECONNREFUSED'), 'unreachable', 'connection refused', 'ECONNREFUSED'],
    [nodeError('EHOSTUNREACH'), 'unreachable', 'no route to the host', 'EHOSTUNREACH'],
    [nodeError('ECONNRESET'), 'unreachable', 'the server closed the connection', 'ECONNRESET'],
    [nodeError('GREETING_TIMEOUT'), 'unreachable', 'no answer within the time limit', 'GREETING_TIMEOUT'],
    [nodeError('LineTooLarge'), 'provider-error', "the server's answer could not be used", 'LineTooLarge'],
    ['a string', 'provider-error', "the server's answer could not be used", undefined],
  ])('maps %j to %s', (err, code, reason, providerCode) => {
    const mapped = toImapProviderError(err, endpoint);
    expect(mapped).toMatchObject({ code, details: providerCode === undefined ? {} : { providerCode } });
    expect(mapped.message).toMatch(/^IMAP server imap\.example\.com:993: /);
    expect(mapped.message).toContain(reason);
    expect(mapped.message).not.toMatch(/planted|Planted/);
  });

  it("reports Ferry's own deadline with its length", () => {
    expect(
      toImapProviderError(new Error('closed'), endpoint, { timedOut: true, timeoutMs: 1_500 }).message,
    ).toBe('IMAP server imap.example.com:993: no answer within 1500 ms');
  });

  it('maps an SSRF refusal to destination-refused', () => {
    const refused = new DestinationRefusedError('loopback', 'imap.example.com', '127.0.0.1');
    expect(toImapProviderError(refused, endpoint)).toMatchObject({
      code: 'destination-refused',
      message: refused.message,
    });
  });

  it('drops a response code that could carry data', () => {
    const mapped = toImapProviderError(
      { authenticationFailed: true, serverResponseCode: 'planted user@example.com' },
      endpoint,
    );
    expect(mapped.details.providerCode).toBeUndefined();
  });
});
