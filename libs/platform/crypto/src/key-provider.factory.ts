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

/** Options for `readKeyProviderConfig`. */
export interface KeyProviderEnvOptions {
  /**
   * Prefix of the variable names, default `FERRY_KEK_`. `rotate-kek` reads its target provider from
   * `FERRY_KEK_TARGET_*` (`..._PROVIDER`, `..._FILE`, `..._AZURE_KEY_ID`, ...) with the same rules.
   */
  readonly prefix?: string;
}

/**
 * Reads `FERRY_KEK_PROVIDER` (`local` | `azure-keyvault`, default `local`), `FERRY_KEK_FILE`,
 * `FERRY_KEK_CREATE_IF_MISSING` (default true), `FERRY_KEK_AZURE_KEY_ID` and `FERRY_KEK_AZURE_ALGORITHM`
 * (or the same names under `options.prefix`). Throws one error listing every problem.
 */
export function readKeyProviderConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: KeyProviderEnvOptions = {},
): KeyProviderConfig {
  const prefix = options.prefix ?? 'FERRY_KEK_';
  const name = (suffix: string) => `${prefix}${suffix}`;
  const problems: string[] = [];
  const provider = env[name('PROVIDER')] || 'local';
  let config: KeyProviderConfig | undefined;
  if (provider === 'local') {
    const create = env[name('CREATE_IF_MISSING')] || 'true';
    if (create !== 'true' && create !== 'false')
      problems.push(`${name('CREATE_IF_MISSING')} must be true or false`);
    config = {
      provider,
      file: env[name('FILE')] || DEFAULT_LOCAL_KEYRING_FILE,
      createIfMissing: create === 'true',
    };
  } else if (provider === 'azure-keyvault') {
    const keyId = env[name('AZURE_KEY_ID')] ?? '';
    if (!keyId) problems.push(`${name('AZURE_KEY_ID')} is required when ${name('PROVIDER')}=azure-keyvault`);
    const algorithm = env[name('AZURE_ALGORITHM')] || 'RSA-OAEP-256';
    if (!(AZURE_KEY_WRAP_ALGORITHMS as readonly string[]).includes(algorithm)) {
      problems.push(`${name('AZURE_ALGORITHM')} must be one of ${AZURE_KEY_WRAP_ALGORITHMS.join(', ')}`);
    }
    config = { provider, keyId, algorithm: algorithm as AzureKeyWrapAlgorithm };
  } else {
    problems.push(`${name('PROVIDER')} must be local or azure-keyvault`);
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
