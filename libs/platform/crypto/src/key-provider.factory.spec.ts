import { join } from 'node:path';
import { KeyProviderError } from './errors';
import { createKeyProvider, DEFAULT_LOCAL_KEYRING_FILE, readKeyProviderConfig } from './key-provider.factory';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { useTempDir } from './testing/temp-dir';

describe('readKeyProviderConfig', () => {
  it('defaults to a local keyring in the home directory, created on first start', () => {
    expect(readKeyProviderConfig({})).toEqual({
      provider: 'local',
      file: DEFAULT_LOCAL_KEYRING_FILE,
      createIfMissing: true,
    });
  });

  it('reads the local keyring path and creation switch', () => {
    expect(
      readKeyProviderConfig({
        FERRY_KEK_FILE: '/var/lib/ferry/keyring.json',
        FERRY_KEK_CREATE_IF_MISSING: 'false',
      }),
    ).toEqual({ provider: 'local', file: '/var/lib/ferry/keyring.json', createIfMissing: false });
  });

  it('reads the Azure key id with RSA-OAEP-256 as the default algorithm', () => {
    const keyId = 'https://ferry.vault.azure.net/keys/ferry-kek';

    expect(
      readKeyProviderConfig({ FERRY_KEK_PROVIDER: 'azure-keyvault', FERRY_KEK_AZURE_KEY_ID: keyId }),
    ).toEqual({
      provider: 'azure-keyvault',
      keyId,
      algorithm: 'RSA-OAEP-256',
    });
  });

  it('reads the same settings under another prefix, naming those variables in its errors', () => {
    const keyId = 'https://ferry.vault.azure.net/keys/ferry-kek-2';
    const env = {
      FERRY_KEK_PROVIDER: 'local',
      FERRY_KEK_TARGET_PROVIDER: 'azure-keyvault',
      FERRY_KEK_TARGET_AZURE_KEY_ID: keyId,
      FERRY_KEK_TARGET_AZURE_ALGORITHM: 'RSA-OAEP',
    };

    expect(readKeyProviderConfig(env, { prefix: 'FERRY_KEK_TARGET_' })).toEqual({
      provider: 'azure-keyvault',
      keyId,
      algorithm: 'RSA-OAEP',
    });
    expect(() =>
      readKeyProviderConfig({ FERRY_KEK_TARGET_PROVIDER: 'azure-keyvault' }, { prefix: 'FERRY_KEK_TARGET_' }),
    ).toThrow(
      'Invalid environment variables: FERRY_KEK_TARGET_AZURE_KEY_ID is required when FERRY_KEK_TARGET_PROVIDER=azure-keyvault',
    );
  });

  it.each([
    [{ FERRY_KEK_PROVIDER: 'vault' }, 'FERRY_KEK_PROVIDER must be local or azure-keyvault'],
    [{ FERRY_KEK_PROVIDER: 'azure-keyvault' }, 'FERRY_KEK_AZURE_KEY_ID is required'],
    [{ FERRY_KEK_CREATE_IF_MISSING: 'yes' }, 'FERRY_KEK_CREATE_IF_MISSING must be true or false'],
    [
      {
        FERRY_KEK_PROVIDER: 'azure-keyvault',
        FERRY_KEK_AZURE_KEY_ID: 'https://v/keys/k',
        FERRY_KEK_AZURE_ALGORITHM: 'RSA1_5',
      },
      'FERRY_KEK_AZURE_ALGORITHM must be one of',
    ],
  ])('refuses %j', (env, problem) => {
    expect(() => readKeyProviderConfig(env)).toThrow(KeyProviderError);
    expect(() => readKeyProviderConfig(env)).toThrow(`Invalid environment variables: ${problem}`);
  });
});

describe('createKeyProvider', () => {
  const tempDir = useTempDir();

  it('opens a local keyring provider from configuration', async () => {
    const file = join(tempDir(), 'keyring.json');

    const provider = await createKeyProvider({ provider: 'local', file, createIfMissing: true });

    expect(provider).toBeInstanceOf(LocalKeyFileProvider);
    expect((provider as LocalKeyFileProvider).path).toBe(file);
  });
});
