import { mapAzureError } from './azure-error.mapper';
import { DecryptionError, KeyProviderError } from './errors';
import { restError } from './testing/fake-key-vault';

const keyId = 'https://ferry-test.vault.azure.net/keys/ferry-kek/0123456789abcdef0123456789abcdef';

function named(name: string, extra: object = {}): Error {
  return Object.assign(new Error('token request failed: client_secret=hunter2'), { name, ...extra });
}

describe('mapAzureError', () => {
  it.each([
    [restError(401, 'Unauthorized'), 'wrap', 'authentication'],
    [named('CredentialUnavailableError'), 'resolve', 'authentication'],
    [named('AuthenticationError'), 'unwrap', 'authentication'],
    [restError(403, 'Forbidden'), 'unwrap', 'access-denied'],
    [restError(404, 'KeyNotFound'), 'resolve', 'not-found'],
    [restError(400, 'BadParameter'), 'wrap', 'rejected'],
    [restError(409, 'Conflict'), 'wrap', 'rejected'],
    [restError(429, 'Throttled'), 'unwrap', 'unavailable'],
    [restError(503, 'ServiceUnavailable'), 'wrap', 'unavailable'],
    [named('Error', { code: 'ECONNREFUSED' }), 'wrap', 'unavailable'],
    [named('AbortError'), 'resolve', 'unavailable'],
    [named('TypeError'), 'wrap', 'unexpected'],
  ] as const)('maps %s during %s to %s', (error, operation, reason) => {
    const mapped = mapAzureError(error, operation, keyId);

    expect(mapped).toBeInstanceOf(KeyProviderError);
    expect((mapped as KeyProviderError).reason).toBe(reason);
    expect(mapped.message).toContain(keyId);
  });

  it('maps a 400 during unwrap to DecryptionError', () => {
    const mapped = mapAzureError(restError(400, 'BadParameter'), 'unwrap', keyId);

    expect(mapped).toBeInstanceOf(DecryptionError);
    expect((mapped as DecryptionError).reason).toBe('key-unwrap-failed');
  });

  it('keeps the HTTP status and service error code in the message', () => {
    expect(mapAzureError(restError(403, 'ForbiddenByPolicy'), 'wrap', keyId).message).toContain(
      'HTTP 403 ForbiddenByPolicy',
    );
  });

  it('drops the original message, request and cause, which can hold tokens, secrets or the data key', () => {
    const errors = [
      restError(403, 'Forbidden'),
      restError(500, 'Internal'),
      named('AuthenticationError'),
      named('X'),
    ];

    for (const error of errors) {
      const mapped = mapAzureError(error, 'wrap', keyId);
      expect(mapped.message).not.toMatch(/Bearer|eyJ|hunter2|client_secret|value=/);
      expect(mapped.cause).toBeUndefined();
      expect(Object.keys(mapped)).not.toContain('request');
    }
  });

  it('does not echo a service error code containing unexpected characters', () => {
    const mapped = mapAzureError(restError(403, 'Forbidden token=abc'), 'wrap', keyId);

    expect(mapped.message).not.toContain('token=abc');
  });

  it('passes errors of this library through unchanged', () => {
    const original = new KeyProviderError('misconfigured', 'x');

    expect(mapAzureError(original, 'wrap', keyId)).toBe(original);
  });
});
