import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { ProviderError } from '@ferry/providers/core';
import { describeCertificate } from './client-credential';
import { type TestCertificate, testCertificate } from './testing/certificate.fixture';

// RSA key generation on a shared 2-core machine.
jest.setTimeout(30_000);

/** The error `fn` throws, asserting it is an `invalid-input` ProviderError that quotes no PEM line. */
function refusal(fn: () => unknown, ...pems: string[]): ProviderError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ProviderError);
  const error = thrown as ProviderError;
  expect(error.code).toBe('invalid-input');
  for (const line of pems.flatMap((p) => p.split('\n')).filter((l) => l.length > 20))
    expect(error.message).not.toContain(line);
  return error;
}

describe('describeCertificate', () => {
  let good: TestCertificate;
  let other: TestCertificate;
  beforeAll(async () => {
    [good, other] = await Promise.all([
      testCertificate({ subject: 'CN=ferry-connector, O=Contoso' }),
      testCertificate(),
    ]);
  });

  it('gives the SHA-1 and SHA-256 thumbprints as upper-case hex of the DER certificate, the validity and the subject', () => {
    const der = new X509Certificate(good.certificatePem).raw;
    const description = describeCertificate(good.certificatePem, good.privateKeyPem);
    expect(description).toEqual({
      thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
      notBefore: new Date(new X509Certificate(good.certificatePem).validFrom),
      notAfter: new Date(new X509Certificate(good.certificatePem).validTo),
      subject: 'CN=ferry-connector, O=Contoso',
    });
    expect(description.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
  });

  it('describes a certificate without its key, and accepts a PKCS#1 key', () => {
    expect(describeCertificate(good.certificatePem).subject).toBe('CN=ferry-connector, O=Contoso');
    const pkcs1 = createPrivateKey(good.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(describeCertificate(good.certificatePem, pkcs1).thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
  });

  it('refuses a key that belongs to another certificate', () => {
    expect(
      refusal(() => describeCertificate(good.certificatePem, other.privateKeyPem), other.privateKeyPem)
        .message,
    ).toBe('the private key does not belong to the certificate');
  });

  it('refuses an expired certificate, naming when it expired', async () => {
    const expired = await testCertificate({
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(refusal(() => describeCertificate(expired.certificatePem, expired.privateKeyPem)).message).toBe(
      'the certificate expired on 2021-01-01T00:00:00.000Z; create a new one',
    );
  });

  it('judges expiry against the given time', () => {
    const { notAfter } = describeCertificate(good.certificatePem);
    expect(() =>
      describeCertificate(good.certificatePem, undefined, new Date(notAfter.getTime() + 1000)),
    ).toThrow(/expired/);
  });

  it.each([
    ['not a PEM at all', 'hello'],
    [
      'a PEM with a corrupt body',
      '-----BEGIN CERTIFICATE-----\nTUlJQmFkQ2VydGlmaWNhdGVEYXRhVGhhdElzTm90REVS\n-----END CERTIFICATE-----\n',
    ],
    [
      'a private key where the certificate goes',
      '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
    ],
  ])('refuses %s as the certificate without quoting it', (_what, pem) => {
    refusal(() => describeCertificate(pem), pem);
  });

  it.each([
    [
      'an encrypted key',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nTUlJRnNlY3JldEtleU1hdGVyaWFsVGhhdE11c3ROb3RMZWFr\n-----END ENCRYPTED PRIVATE KEY-----\n',
    ],
    [
      'a corrupt key',
      '-----BEGIN PRIVATE KEY-----\nTUlJRnNlY3JldEtleU1hdGVyaWFsVGhhdE11c3ROb3RMZWFr\n-----END PRIVATE KEY-----\n',
    ],
  ])('refuses %s without quoting it', (_what, pem) => {
    refusal(() => describeCertificate(good.certificatePem, pem), pem);
  });

  it('refuses what Entra would refuse: an EC certificate and a short RSA key', async () => {
    const [ecCert, short] = await Promise.all([
      testCertificate({ key: 'ec-p256' }),
      testCertificate({ key: 'rsa-1024' }),
    ]);
    expect(refusal(() => describeCertificate(ecCert.certificatePem, ecCert.privateKeyPem)).message).toBe(
      'Entra ID accepts RSA certificates only',
    );
    expect(refusal(() => describeCertificate(short.certificatePem, short.privateKeyPem)).message).toMatch(
      /1024 bits; Entra ID needs at least 2048/,
    );
  });
});
