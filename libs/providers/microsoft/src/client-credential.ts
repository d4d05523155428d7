import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { ProviderError } from '@ferry/providers/core';

/**
 * How Ferry proves it is the app registration: a certificate (preferred: the private key never leaves
 * Ferry, and Entra can require it) or a client secret. Both are vault secrets.
 */
export type MicrosoftClientCredential =
  | { readonly kind: 'client-secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly certificatePem: string; readonly privateKeyPem: string };

/** What an operator sees of a certificate, and what Entra's admin center shows beside it. */
export interface CertificateDescription {
  /** SHA-1 of the DER certificate, upper-case hex: the "Thumbprint" column in Entra's admin center. */
  readonly thumbprintSha1: string;
  /** SHA-256 of the DER certificate, upper-case hex (what MSAL signs client assertions with as `x5t#S256`). */
  readonly thumbprintSha256: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject distinguished name, e.g. `CN=ferry-connector`. */
  readonly subject: string;
}

/** A parsed certificate credential: what the token clients need, and nothing printable of the key. */
export interface CertificateMaterial extends CertificateDescription {
  readonly privateKey: KeyObject;
}

// Entra signs in with RS256/PS256 client assertions only, and refuses RSA keys under 2048 bits.
const MIN_RSA_BITS = 2048;
const PEM_LIMIT = 64 * 1024;

function parseCertificate(pem: unknown): X509Certificate {
  if (typeof pem !== 'string' || pem.length > PEM_LIMIT || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ProviderError(
      'invalid-input',
      'the certificate must be a PEM X.509 certificate (-----BEGIN CERTIFICATE-----)',
    );
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ProviderError('invalid-input', 'the certificate is not a valid PEM X.509 certificate');
  }
}

function parsePrivateKey(pem: unknown): KeyObject {
  if (typeof pem !== 'string' || pem.length > PEM_LIMIT || !/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new ProviderError(
      'invalid-input',
      'the private key must be an unencrypted PEM key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY")',
    );
  }
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new ProviderError('invalid-input', 'the private key is not a valid PEM private key');
  }
}

const distinguishedName = (subject: string): string =>
  subject
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');

/** Parses and checks a certificate credential; expiry is left to the caller (see {@link describeCertificate}). */
export function certificateMaterial(certificatePem: unknown, privateKeyPem: unknown): CertificateMaterial;
export function certificateMaterial(certificatePem: unknown): CertificateDescription;
export function certificateMaterial(
  certificatePem: unknown,
  privateKeyPem?: unknown,
): CertificateDescription | CertificateMaterial {
  const cert = parseCertificate(certificatePem);
  if (cert.publicKey.asymmetricKeyType !== 'rsa')
    throw new ProviderError('invalid-input', 'Entra ID accepts RSA certificates only');
  const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new ProviderError(
      'invalid-input',
      `the certificate's RSA key has ${bits} bits; Entra ID needs at least ${MIN_RSA_BITS}`,
    );
  const description: CertificateDescription = {
    thumbprintSha1: createHash('sha1').update(cert.raw).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex').toUpperCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    subject: distinguishedName(cert.subject),
  };
  if (privateKeyPem === undefined) return description;
  const privateKey = parsePrivateKey(privateKeyPem);
  if (!cert.checkPrivateKey(privateKey))
    throw new ProviderError('invalid-input', 'the private key does not belong to the certificate');
  return { ...description, privateKey };
}

/**
 * Describes a certificate an operator uploads for a connector, refusing what Entra would refuse later:
 * a malformed certificate or key, a non-RSA or short key, a key that does not match the certificate,
 * and an expired certificate. Error messages never contain the PEM or any part of it.
 * @throws ProviderError `invalid-input`
 */
export function describeCertificate(
  certificatePem: string,
  privateKeyPem?: string,
  now: Date = new Date(),
): CertificateDescription {
  const material =
    privateKeyPem === undefined
      ? certificateMaterial(certificatePem)
      : certificateMaterial(certificatePem, privateKeyPem);
  if (material.notAfter.getTime() <= now.getTime()) {
    throw new ProviderError(
      'invalid-input',
      `the certificate expired on ${material.notAfter.toISOString()}; create a new one`,
    );
  }
  const { thumbprintSha1, thumbprintSha256, notBefore, notAfter, subject } = material;
  return { thumbprintSha1, thumbprintSha256, notBefore, notAfter, subject };
}
