import type { TokenCredential } from '@azure/identity';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AZURE_KEY_WRAP_ALGORITHMS, type AzureKeyWrapAlgorithm } from './azure-key-vault.client';
import { AzureKeyVaultKeyProvider } from './azure-key-vault.provider';
import { KeyProviderError } from './errors';
import type { KeyProvider } from './key-provider';
import { LocalKeyFileProvider } from './local-key-file.provider';

/** Where the local keyring lives when `FERRY_KEK_FILE` is not set. */
export const DEFAULT_LOCAL_KEYRING_FILE = join(homedir(), '.ferry', 'keyring.json');

/** Which key-encryption-key provider to use, and its settings. */
export type KeyProviderConfig =
  | { readonly provider: 'local'; readonly file: string; readonly createIfMissing: boolean }
  | {
      readonly provider: 'azure-keyvault';
      readonly keyId: string;
      readonly algorithm: AzureKeyWrapAlgorithm;
    };

/**
 * Reads `FERRY_KEK_PROVIDER` (`local` | `azure-keyvault`, default `local`), `FERRY_KEK_FILE`,
 * `FERRY_KEK_CREATE_IF_MISSING` (default true), `FERRY_KEK_AZURE_KEY_ID` and `FERRY_KEK_AZURE_ALGORITHM`.
 * Throws one error listing every problem.
 */
export function readKeyProviderConfig(env: NodeJS.ProcessEnv = process.env): KeyProviderConfig {
  const problems: string[] = [];
  const provider = env['FERRY_KEK_PROVIDER'] || 'local';
  let config: KeyProviderConfig | undefined;
  if (provider === 'local') {
    const create = env['FERRY_KEK_CREATE_IF_MISSING'] || 'true';
    if (create !== 'true' && create !== 'false')
      problems.push('FERRY_KEK_CREATE_IF_MISSING must be true or false');
    config = {
      provider,
      file: env['FERRY_KEK_FILE'] || DEFAULT_LOCAL_KEYRING_FILE,
      createIfMissing: create === 'true',
    };
  } else if (provider === 'azure-keyvault') {
    const keyId = env['FERRY_KEK_AZURE_KEY_ID'] ?? '';
    if (!keyId) problems.push('FERRY_KEK_AZURE_KEY_ID is required when FERRY_KEK_PROVIDER=azure-keyvault');
    const algorithm = env['FERRY_KEK_AZURE_ALGORITHM'] || 'RSA-OAEP-256';
    if (!(AZURE_KEY_WRAP_ALGORITHMS as readonly string[]).includes(algorithm)) {
      problems.push(`FERRY_KEK_AZURE_ALGORITHM must be one of ${AZURE_KEY_WRAP_ALGORITHMS.join(', ')}`);
    }
    config = { provider, keyId, algorithm: algorithm as AzureKeyWrapAlgorithm };
  } else {
    problems.push('FERRY_KEK_PROVIDER must be local or azure-keyvault');
  }
  if (problems.length > 0 || !config) {
    throw new KeyProviderError('misconfigured', `Invalid environment variables: ${problems.join('; ')}`);
  }
  return config;
}

/** Opens the configured provider; Azure uses `credential` or `DefaultAzureCredential`. */
export async function createKeyProvider(
  config: KeyProviderConfig,
  credential?: TokenCredential,
): Promise<KeyProvider> {
  switch (config.provider) {
    case 'local':
      return LocalKeyFileProvider.open(config.file, { createIfMissing: config.createIfMissing });
    case 'azure-keyvault':
      return AzureKeyVaultKeyProvider.create({
        keyId: config.keyId,
        algorithm: config.algorithm,
        credential,
      });
  }
}
