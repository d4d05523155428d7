import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderError } from '@ferry/providers/core';
import { DEFAULT_GOOGLE_TOKEN_URI, parseServiceAccountKey } from './service-account-key.parser';

const FIXTURES = join(__dirname, 'testing', 'fixtures');

// Key material is generated per run (never committed); fixtures name it with placeholders.
const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const KEYS: Record<string, string> = {
  __RSA_2048_PKCS8__: rsa2048.export({ type: 'pkcs8', format: 'pem' }).toString(),
  __RSA_2048_PKCS1__: rsa2048.export({ type: 'pkcs1', format: 'pem' }).toString(),
  __RSA_1024_PKCS8__: generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
  __EC_P256_PKCS8__: generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
};

function fixture(kind: 'ok' | 'not-ok', name: string): string {
  const text = readFileSync(join(FIXTURES, kind, name), 'utf8');
  return text.replace(/"(__[A-Z0-9_]+__)"/g, (whole, placeholder: string) =>
    KEYS[placeholder] ? JSON.stringify(KEYS[placeholder]) : whole,
  );
}

function refusal(json: string): ProviderError {
  try {
    parseServiceAccountKey(json);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('the key was accepted');
}

describe('parseServiceAccountKey', () => {
  it('reads a key as Google issues it', () => {
    expect(parseServiceAccountKey(fixture('ok', 'google-issued.json'))).toEqual({
      clientEmail: 'ferry-migration@ferry-migration-prod.iam.gserviceaccount.com',
      clientId: '109876543210987654321',
      privateKeyId: '4f1c2e9b0a7d6c5e3b2a190817f6e5d4c3b2a190',
      privateKeyPem: KEYS['__RSA_2048_PKCS8__'],
      tokenUri: 'https://oauth2.googleapis.com/token',
    });
  });

  it("uses Google's token endpoint when the key names none", () => {
    expect(parseServiceAccountKey(fixture('ok', 'without-token-uri.json')).tokenUri).toBe(
      DEFAULT_GOOGLE_TOKEN_URI,
    );
  });

  it('accepts every ok fixture', () => {
    for (const name of readdirSync(join(FIXTURES, 'ok')))
      expect(() => parseServiceAccountKey(fixture('ok', name))).not.toThrow();
  });

  const EXPECTED: Record<string, string> = {
    'array.json': 'service-account key: not a JSON object',
    'bad-pem.json': 'service-account key: private_key is not a PKCS#8 PEM private key',
    'ec-key.json': 'service-account key: private_key is not an RSA key',
    'http-token-uri.json': 'service-account key: token_uri is not an absolute https URL',
    'missing-client-email.json': 'service-account key: client_email is missing',
    'missing-client-id.json': 'service-account key: client_id is missing',
    'missing-private-key-id.json': 'service-account key: private_key_id is missing',
    'missing-private-key.json': 'service-account key: private_key is missing',
    'missing-type.json': 'service-account key: type is missing',
    'numeric-client-id.json': 'service-account key: client_id is not a numeric client id',
    'pkcs1-pem.json': 'service-account key: private_key is not a PKCS#8 PEM private key',
    'relative-token-uri.json': 'service-account key: token_uri is not an absolute https URL',
    'short-rsa.json': 'service-account key: private_key is shorter than 2048 bits',
    'truncated.txt': 'service-account key: not valid JSON',
    'user-credentials.json': 'service-account key: type is not "service_account"',
    'wrong-type.json': 'service-account key: type is not "service_account"',
  };

  it('has an expectation for every not-ok fixture', () => {
    expect(readdirSync(join(FIXTURES, 'not-ok')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('refuses %s as invalid-input naming the field', (name, message) => {
    const error = refusal(fixture('not-ok', name));
    expect(error).toMatchObject({ code: 'invalid-input', message });
  });

  it.each(readdirSync(join(FIXTURES, 'not-ok')))('echoes no value of %s in the error', (name) => {
    const json = fixture('not-ok', name);
    const error = refusal(json);
    const values: string[] = [];
    try {
      const parsed = JSON.parse(json) as unknown;
      if (parsed && typeof parsed === 'object')
        for (const v of Object.values(parsed))
          if (typeof v === 'string' || typeof v === 'number') values.push(String(v));
    } catch {
      values.push('MIIE');
    }
    const pemLines = values
      .flatMap((v) => v.split('\n'))
      .filter((line) => line.length >= 8 && !line.startsWith('-----'));
    for (const fragment of [...values.filter((v) => v.length >= 6 && v !== 'service_account'), ...pemLines]) {
      expect(error.message).not.toContain(fragment);
      expect(JSON.stringify(error.details)).not.toContain(fragment);
    }
  });

  it('refuses empty and oversized input without parsing it', () => {
    expect(refusal('')).toMatchObject({ message: 'service-account key: empty' });
    expect(refusal(' '.repeat(70_000))).toMatchObject({
      message: 'service-account key: larger than 65536 characters',
    });
  });

  it('refuses a token_uri carrying credentials', () => {
    const json = fixture('ok', 'google-issued.json').replace(
      'https://oauth2.googleapis.com/token',
      'https://user:pass@oauth2.googleapis.com/token',
    );
    expect(refusal(json)).toMatchObject({
      message: 'service-account key: token_uri is not an absolute https URL',
    });
  });
});
