export { AzureKeyVaultKeyProvider, type AzureKeyVaultKeyProviderOptions } from './azure-key-vault.provider';
export {
  AZURE_KEY_WRAP_ALGORITHMS,
  type AzureKeyWrapAlgorithm,
  createKeyVaultKeyClient,
  type KeyVaultKeyClient,
} from './azure-key-vault.client';
export { type AzureKeyId } from './azure-key-id';
export {
  EncryptedColumn,
  type EncryptedColumnOptions,
  type EncryptedColumnType,
  sealedValueTransformer,
} from './encrypted-column.decorator';
export {
  ENCRYPTION_CONTEXT_LIMITS,
  type EncryptionContext,
  encodeEncryptionContext,
} from './encryption-context';
export { EnvelopeCipher, MAX_PLAINTEXT_BYTES } from './envelope-cipher';
export {
  CryptoError,
  DecryptionError,
  type DecryptionFailure,
  EncryptionContextError,
  KeyProviderError,
  type KeyProviderFailure,
  KeyringError,
  SealedValueFormatError,
} from './errors';
export { FINGERPRINT_KEY_MIN_BYTES, fingerprint } from './fingerprint';
export type { KeyProvider, WrappedKey } from './key-provider';
export {
  createKeyProvider,
  DEFAULT_LOCAL_KEYRING_FILE,
  type KeyProviderConfig,
  type KeyProviderEnvOptions,
  readKeyProviderConfig,
} from './key-provider.factory';
export { LocalKeyFileProvider, type LocalKeyFileOptions } from './local-key-file.provider';
export { SEALED_VALUE_MAX_LENGTH, SealedValue } from './sealed-value';
