import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A self-signed certificate and its unencrypted PKCS#8 key, as an admin creates for an app registration. */
export interface TestCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const rsa = (modulusLength: number) =>
  ({
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength,
  }) as const;
const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Valid from a minute ago for a day unless told otherwise; RSA 2048 unless `key` says otherwise. */
export async function testCertificate(
  options: {
    notBefore?: Date;
    notAfter?: Date;
    key?: 'rsa-2048' | 'rsa-1024' | 'ec-p256';
    subject?: string;
  } = {},
): Promise<TestCertificate> {
  const algorithm = options.key === 'ec-p256' ? ec : rsa(options.key === 'rsa-1024' ? 1024 : 2048);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    name: options.subject ?? 'CN=ferry-connector',
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  return {
    certificatePem: cert.toString('pem'),
    privateKeyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}
