import { createPrivateKey } from 'node:crypto';
import { ProviderError } from '@ferry/providers/core';
import { requireHttpsUrl } from './input-checks';

/** Where Google's service-account keys send their assertions (the `token_uri` of every key Google issues). */
export const DEFAULT_GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** A Google service-account JSON key, validated. Secret: lives in the connectors process only. */
export interface ServiceAccountKey {
  /** `client_email`: the service account's address (the assertion's issuer). */
  readonly clientEmail: string;
  /** `client_id`: the numeric id an admin authorises for domain-wide delegation. */
  readonly clientId: string;
  /** `private_key_id`: sent as the assertion's `kid`. */
  readonly privateKeyId: string;
  /** `private_key`: an RSA key in PKCS#8 PEM form. */
  readonly privateKeyPem: string;
  /** `token_uri`: where assertions are posted (https). */
  readonly tokenUri: string;
}

/** Google's keys are a few kilobytes; anything far larger is not a key. */
const MAX_KEY_FILE_CHARS = 64 * 1024;
const PKCS8_PEM = /^\s*-----BEGIN PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PRIVATE KEY-----\s*$/;

const invalid = (message: string): ProviderError =>
  new ProviderError('invalid-input', `service-account key: ${message}`);

function stringField(key: Record<string, unknown>, field: string, pattern: RegExp, shape: string): string {
  const value = key[field];
  if (value === undefined || value === null || value === '') throw invalid(`${field} is missing`);
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(`${field} is not ${shape}`);
  return value;
}

function rsaPkcs8(key: Record<string, unknown>): string {
  const pem = key['private_key'];
  if (pem === undefined || pem === null || pem === '') throw invalid('private_key is missing');
  // The PKCS#8 header is checked first: PKCS#1 ("RSA PRIVATE KEY") and encrypted keys are not what Google issues.
  if (typeof pem !== 'string' || pem.length > 16 * 1024 || !PKCS8_PEM.test(pem)) {
    throw invalid('private_key is not a PKCS#8 PEM private key');
  }
  let parsed: ReturnType<typeof createPrivateKey>;
  try {
    parsed = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // OpenSSL's message is not copied: it describes the key's bytes.
    throw invalid('private_key is not a PKCS#8 PEM private key');
  }
  if (parsed.asymmetricKeyType !== 'rsa') throw invalid('private_key is not an RSA key');
  if ((parsed.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw invalid('private_key is shorter than 2048 bits');
  return pem;
}

/**
 * Parses and validates a Google service-account JSON key as downloaded from the Cloud console: `type`
 * `service_account`, the address, numeric client id, key id, an RSA PKCS#8 private key and an https
 * `token_uri` (Google's default when the key has none).
 *
 * @throws ProviderError `invalid-input` naming the offending field; no value of the key is ever echoed.
 */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  if (typeof json !== 'string' || json.length === 0) throw invalid('empty');
  if (json.length > MAX_KEY_FILE_CHARS) throw invalid(`larger than ${MAX_KEY_FILE_CHARS} characters`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be key material.
    throw invalid('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('not a JSON object');
  const key = value as Record<string, unknown>;
  if (key['type'] === undefined) throw invalid('type is missing');
  if (key['type'] !== 'service_account') throw invalid('type is not "service_account"');
  const clientEmail = stringField(
    key,
    'client_email',
    /^[^\s@]{1,64}@[A-Za-z0-9.-]{1,253}$/,
    'a service-account address',
  );
  const clientId = stringField(key, 'client_id', /^[0-9]{1,30}$/, 'a numeric client id');
  const privateKeyId = stringField(key, 'private_key_id', /^[A-Za-z0-9]{8,64}$/, 'a key id');
  const privateKeyPem = rsaPkcs8(key);
  const tokenUri =
    key['token_uri'] === undefined ? DEFAULT_GOOGLE_TOKEN_URI : requireHttpsUrlField(key['token_uri']);
  return { clientEmail, clientId, privateKeyId, privateKeyPem, tokenUri };
}

function requireHttpsUrlField(value: unknown): string {
  try {
    return requireHttpsUrl('token_uri', value).href;
  } catch {
    throw invalid('token_uri is not an absolute https URL');
  }
}
