import { CryptoError, DecryptionError, KeyProviderError } from './errors';

/** The Key Vault operation that failed. */
export type KeyVaultOperation = 'resolve' | 'wrap' | 'unwrap';

const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AuthenticationRequiredError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const SAFE_CODE = /^[A-Za-z_]{1,64}$/;
const ROLE_HINT =
  "grant this workload's identity the 'Key Vault Crypto Service Encryption User' role on the key " +
  '(or get, wrapKey and unwrapKey access-policy permissions)';

/**
 * Turns an Azure SDK or identity error into a `CryptoError`. Only the status, the service's error code
 * and the error's name survive: the original is not kept as `cause` because SDK errors carry the HTTP
 * request, whose headers hold a bearer token and whose body may hold the data key.
 */
export function mapAzureError(error: unknown, operation: KeyVaultOperation, keyId: string): CryptoError {
  if (error instanceof CryptoError) return error;
  const { name, statusCode, code } = describe(error);
  const what = `Key Vault ${operation} with key ${keyId}`;
  if (CREDENTIAL_ERRORS.has(name) || statusCode === 401) {
    return new KeyProviderError(
      'authentication',
      `${what} failed: no Azure token could be obtained (${statusCode ? `HTTP ${statusCode}` : name}); ` +
        'check the workload identity or AZURE_* credential settings',
    );
  }
  if (statusCode === 403) {
    return new KeyProviderError(
      'access-denied',
      `${what} was denied (HTTP 403${suffix(code)}); ${ROLE_HINT}`,
    );
  }
  if (statusCode === 404) {
    return new KeyProviderError(
      'not-found',
      `${what} failed: the key or version does not exist or is deleted (HTTP 404${suffix(code)})`,
    );
  }
  if (statusCode === 400 && operation === 'unwrap') {
    return new DecryptionError(
      'key-unwrap-failed',
      `Key Vault rejected the wrapped data key (HTTP 400${suffix(code)})`,
    );
  }
  if (statusCode === 429 || (statusCode !== undefined && statusCode >= 500)) {
    return new KeyProviderError(
      'unavailable',
      `${what} failed (HTTP ${statusCode}${suffix(code)}); retry later`,
    );
  }
  if (statusCode !== undefined && statusCode >= 400) {
    return new KeyProviderError(
      'rejected',
      `${what} was rejected (HTTP ${statusCode}${suffix(code)}); check the key type and enabled operations`,
    );
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || name === 'AbortError' || name === 'RestError') {
    return new KeyProviderError(
      'unavailable',
      `${what} failed: Key Vault unreachable (${code ?? name}); retry later`,
    );
  }
  return new KeyProviderError('unexpected', `${what} failed with ${name}`);
}

function describe(error: unknown): { name: string; statusCode?: number; code?: string } {
  if (typeof error !== 'object' || error === null) return { name: typeof error };
  const record = error as { name?: unknown; statusCode?: unknown; code?: unknown };
  const name = typeof record.name === 'string' && SAFE_CODE.test(record.name) ? record.name : 'Error';
  const statusCode = typeof record.statusCode === 'number' ? record.statusCode : undefined;
  const code = typeof record.code === 'string' && SAFE_CODE.test(record.code) ? record.code : undefined;
  return { name, statusCode, code };
}

function suffix(code: string | undefined): string {
  return code ? ` ${code}` : '';
}
