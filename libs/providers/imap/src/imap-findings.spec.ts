import { ProviderError } from '@ferry/providers/core';
import { capabilityFindings, connectFailed, connectOk, loginFailed, loginOk } from './imap-findings';

describe('capabilityFindings', () => {
  it('reports a server with CONDSTORE and QRESYNC as supported', () => {
    expect(capabilityFindings(new Set(['IMAP4REV1', 'CONDSTORE', 'QRESYNC']))).toEqual([
      { check: 'capability:IMAP4rev1', status: 'ok', detail: 'supported' },
      { check: 'capability:CONDSTORE', status: 'ok', detail: expect.stringMatching(/^supported/) as unknown },
      { check: 'capability:QRESYNC', status: 'ok', detail: expect.stringMatching(/^supported/) as unknown },
    ]);
  });

  it('keeps a server without CONDSTORE and QRESYNC ok, saying how delta passes compensate', () => {
    const findings = capabilityFindings(new Set(['IMAP4REV1']));
    expect(findings.every((f) => f.status === 'ok')).toBe(true);
    expect(findings[1]?.detail).toMatch(/^not supported: delta passes compare/);
    expect(findings[2]?.detail).toMatch(/^not supported: delta passes find deleted messages/);
  });

  it('reports a server without IMAP4rev1 as missing, with a remedy', () => {
    expect(capabilityFindings(new Set(['CONDSTORE']))[0]).toMatchObject({
      status: 'missing',
      remedy: expect.any(String) as unknown,
    });
  });
});

describe('connect and login findings', () => {
  const endpoint = { host: 'imap.example.com', port: 143, security: 'starttls' } as const;

  it('names the TLS version and mode of a working connection', () => {
    expect(connectOk(endpoint, 'TLSv1.3').detail).toBe(
      'TLSv1.3 session with imap.example.com:143 (STARTTLS), certificate verified',
    );
  });

  it.each([
    [new ProviderError('destination-refused', 'refused'), /allow-list/],
    [
      new ProviderError('unreachable', 'x', { providerCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      /CA field.*cannot be turned off/,
    ],
    [
      new ProviderError('unreachable', 'x', { providerCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
      /host name the server's certificate was issued for/,
    ],
    [new ProviderError('unreachable', 'x', { providerCode: 'ECONNREFUSED' }), /host, port and security mode/],
  ])('gives a failed connect the remedy for %s', (error, remedy) => {
    expect(connectFailed(error)).toMatchObject({
      check: 'connect',
      status: 'failed',
      detail: error.message,
      remedy: expect.stringMatching(remedy) as unknown,
    });
  });

  it("labels login findings with the caller's pseudonym", () => {
    expect(loginOk('sample-1', 1)).toEqual({
      check: 'login:sample-1',
      status: 'ok',
      detail: 'logged in; 1 folder',
    });
    expect(
      loginFailed(
        'sample-2',
        new ProviderError('invalid-credentials', 'refused', { providerCode: 'AUTHORIZATIONFAILED' }),
      ),
    ).toMatchObject({
      check: 'login:sample-2',
      status: 'failed',
      remedy: expect.stringMatching(/master user/) as unknown,
    });
  });
});
