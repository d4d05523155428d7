import type { TokenCredential } from '@azure/identity';
import type { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { type AzureKeyId, formatAzureKeyId } from './azure-key-id';

/** Key wrap algorithms this library accepts for Key Vault keys (RSA1_5 is refused as unsafe). */
export const AZURE_KEY_WRAP_ALGORITHMS = ['RSA-OAEP-256', 'RSA-OAEP', 'A256KW'] as const;

/** One of `AZURE_KEY_WRAP_ALGORITHMS`. */
export type AzureKeyWrapAlgorithm = (typeof AZURE_KEY_WRAP_ALGORITHMS)[number];

/**
 * The few Key Vault operations `AzureKeyVaultKeyProvider` needs, so its own logic can be tested without
 * Azure. `createKeyVaultKeyClient` implements it over `@azure/keyvault-keys`.
 */
export interface KeyVaultKeyClient {
  /** The full versioned id of `key` (its current version when `key.version` is absent). */
  getKeyId(key: AzureKeyId): Promise<string>;
  /** Wraps with exactly `versionedKeyId`; `keyId` is the id the service reports having used. */
  wrapKey(
    versionedKeyId: string,
    algorithm: AzureKeyWrapAlgorithm,
    dataKey: Uint8Array,
  ): Promise<{ result: Uint8Array; keyId?: string }>;
  /** Unwraps with exactly `versionedKeyId`. */
  unwrapKey(
    versionedKeyId: string,
    algorithm: AzureKeyWrapAlgorithm,
    wrapped: Uint8Array,
  ): Promise<Uint8Array>;
}

// Versions seen per process are few; the cap only stops stored data from growing the cache unboundedly.
const MAX_CACHED_CLIENTS = 32;

/**
 * A `KeyVaultKeyClient` over the Azure SDK. The SDKs load lazily so processes using the local provider
 * never import them. `credential` defaults to `DefaultAzureCredential` (covers AKS workload identity).
 */
export async function createKeyVaultKeyClient(credential?: TokenCredential): Promise<KeyVaultKeyClient> {
  const sdk = await import('@azure/keyvault-keys');
  const tokenCredential = credential ?? new (await import('@azure/identity')).DefaultAzureCredential();
  const keyClients = new Map<string, KeyClient>();
  const cryptoClients = new Map<string, CryptographyClient>();
  const cached = <T>(cache: Map<string, T>, id: string, make: () => T): T => {
    let client = cache.get(id);
    if (!client) {
      if (cache.size >= MAX_CACHED_CLIENTS) cache.delete(cache.keys().next().value as string);
      client = make();
      cache.set(id, client);
    }
    return client;
  };
  const crypto = (id: string) =>
    cached(cryptoClients, id, () => new sdk.CryptographyClient(id, tokenCredential));
  return {
    async getKeyId(key) {
      const keys = cached(keyClients, key.vaultUrl, () => new sdk.KeyClient(key.vaultUrl, tokenCredential));
      const found = await keys.getKey(key.name, key.version ? { version: key.version } : {});
      return found.id ?? formatAzureKeyId(key);
    },
    async wrapKey(versionedKeyId, algorithm, dataKey) {
      const wrapped = await crypto(versionedKeyId).wrapKey(algorithm, dataKey);
      return wrapped.keyID ? { result: wrapped.result, keyId: wrapped.keyID } : { result: wrapped.result };
    },
    async unwrapKey(versionedKeyId, algorithm, wrapped) {
      return (await crypto(versionedKeyId).unwrapKey(algorithm, wrapped)).result;
    },
  };
}
