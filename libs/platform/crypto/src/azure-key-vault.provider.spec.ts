import { randomBytes } from 'node:crypto';
import { AzureKeyVaultKeyProvider } from './azure-key-vault.provider';
import { EnvelopeCipher } from './envelope-cipher';
import { DecryptionError, KeyProviderError } from './errors';
import { FakeKeyVault, restError } from './testing/fake-key-vault';

const context = { org: 'org-7', connector: 'conn-42', field: 'clientSecret' };

describe('AzureKeyVaultKeyProvider', () => {
  let vault: FakeKeyVault;
  const unversioned = () => `${vault.vaultUrl}/keys/${vault.name}`;

  beforeEach(() => {
    vault = new FakeKeyVault();
  });

  it('resolves an unversioned key id to the current version and records that exact version', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });

    const wrapped = await provider.wrap(randomBytes(32));

    expect(provider.activeKeyId()).toBe(vault.idOf(vault.currentVersion));
    expect(wrapped).toMatchObject({ provider: 'azure-keyvault', keyId: vault.idOf(vault.currentVersion) });
    expect(vault.calls.find((c) => c.operation === 'wrapKey')?.keyId).toBe(vault.idOf(vault.currentVersion));
  });

  it('keeps using a pinned version even when a newer one exists', async () => {
    const pinned = vault.currentVersion;
    vault.addVersion();

    const provider = await AzureKeyVaultKeyProvider.create({ keyId: vault.idOf(pinned), client: vault });

    expect((await provider.wrap(randomBytes(32))).keyId).toBe(vault.idOf(pinned));
  });

  it('sends RSA-OAEP-256 by default and records it', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });

    const wrapped = await provider.wrap(randomBytes(32));

    expect(wrapped.algorithm).toBe('RSA-OAEP-256');
    expect(vault.calls.find((c) => c.operation === 'wrapKey')?.algorithm).toBe('RSA-OAEP-256');
  });

  it('unwraps with the recorded algorithm after the configured one changed', async () => {
    const before = await AzureKeyVaultKeyProvider.create({
      keyId: unversioned(),
      algorithm: 'RSA-OAEP',
      client: vault,
    });
    const sealed = await new EnvelopeCipher(before).seal('secret', context);
    const after = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });

    expect((await new EnvelopeCipher(after).open(sealed, context)).toString()).toBe('secret');
    expect(vault.calls.filter((c) => c.operation === 'unwrapKey').map((c) => c.algorithm)).toEqual([
      'RSA-OAEP',
    ]);
  });

  it('opens old values with their version after Key Vault rotation, and seals new ones with the new version', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });
    const cipher = new EnvelopeCipher(provider);
    const oldVersion = vault.currentVersion;
    const before = await cipher.seal('old', context);

    const newVersion = vault.addVersion();
    await provider.refreshActiveKey();
    const after = await cipher.seal('new', context);

    expect(before.wrappedKey.keyId).toBe(vault.idOf(oldVersion));
    expect(after.wrappedKey.keyId).toBe(vault.idOf(newVersion));
    expect((await cipher.open(before, context)).toString()).toBe('old');
    expect((await cipher.open(after, context)).toString()).toBe('new');
    expect(vault.calls.filter((c) => c.operation === 'unwrapKey').map((c) => c.keyId)).toEqual([
      vault.idOf(oldVersion),
      vault.idOf(newVersion),
    ]);
  });

  it('refuses to unwrap for another vault or key without calling Key Vault', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });
    const wrapped = await provider.wrap(randomBytes(32));
    const callsBefore = vault.calls.length;

    for (const keyId of [
      wrapped.keyId.replace('ferry-test', 'attacker'),
      wrapped.keyId.replace('ferry-kek', 'other-key'),
      unversioned(),
      'http://ferry-test.vault.azure.net/keys/ferry-kek/abc',
    ]) {
      const error = await provider.unwrap({ ...wrapped, keyId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecryptionError);
      expect((error as DecryptionError).reason).toBe('unknown-key');
    }
    expect(vault.calls.length).toBe(callsBefore);
  });

  it('refuses RSA1_5 and unknown algorithms in stored values', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });
    const wrapped = await provider.wrap(randomBytes(32));

    await expect(provider.unwrap({ ...wrapped, algorithm: 'RSA1_5' })).rejects.toThrow(DecryptionError);
  });

  it('maps a wrapped key Key Vault rejects to DecryptionError', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });
    const sealed = await new EnvelopeCipher(provider).seal('secret', context);
    const altered = Buffer.from(sealed.wrappedKey.bytes);
    altered[0] = (altered[0] as number) ^ 1;

    const error = await provider.unwrap({ ...sealed.wrappedKey, bytes: altered }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('key-unwrap-failed');
  });

  it.each([
    ['http://ferry-test.vault.azure.net/keys/k'],
    ['https://ferry-test.vault.azure.net/secrets/k'],
    ['https://ferry-test.vault.azure.net/keys/k/v1/extra'],
    ['https://ferry-test.vault.azure.net/keys/k?api-version=7.4'],
    ['https://user:pass@ferry-test.vault.azure.net/keys/k'],
    ['not a url'],
  ])('refuses the malformed key id %s without contacting Key Vault', async (keyId) => {
    const error = await AzureKeyVaultKeyProvider.create({ keyId, client: vault }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeyProviderError);
    expect((error as KeyProviderError).reason).toBe('misconfigured');
    expect((error as Error).message).not.toContain('pass');
    expect(vault.calls).toHaveLength(0);
  });

  it('refuses RSA1_5 as the configured algorithm', async () => {
    const create = AzureKeyVaultKeyProvider.create({
      keyId: unversioned(),
      algorithm: 'RSA1_5' as 'RSA-OAEP',
      client: vault,
    });

    await expect(create).rejects.toThrow('must be one of RSA-OAEP-256, RSA-OAEP, A256KW');
  });

  it('fails at start-up with a role hint when the identity may not read the key', async () => {
    vault.failNext = restError(403, 'Forbidden');

    const error = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(KeyProviderError);
    expect((error as KeyProviderError).reason).toBe('access-denied');
    expect((error as Error).message).toContain('Key Vault Crypto Service Encryption User');
    expect((error as Error).message).toContain(unversioned());
  });

  it('fails at start-up when a pinned version does not exist', async () => {
    const error = await AzureKeyVaultKeyProvider.create({
      keyId: vault.idOf('0'.repeat(32)),
      client: vault,
    }).catch((e: unknown) => e);

    expect((error as KeyProviderError).reason).toBe('not-found');
  });

  it('refuses a resolved id without a version or for another key', async () => {
    const liar = Object.assign(Object.create(vault) as FakeKeyVault, {
      getKeyId: () => Promise.resolve(`${vault.vaultUrl}/keys/someone-else/${vault.currentVersion}`),
    });

    await expect(AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: liar })).rejects.toThrow(
      'Key Vault did not report a version of key',
    );
  });

  it('refuses a wrap that Key Vault reports under another version', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });
    vault.reportWrapKeyId = vault.idOf('f'.repeat(32));

    const error = await provider.wrap(randomBytes(32)).catch((e: unknown) => e);

    expect((error as KeyProviderError).reason).toBe('invalid-response');
  });

  it('reports throttling during wrap as unavailable, without the token or request', async () => {
    const provider = await AzureKeyVaultKeyProvider.create({ keyId: unversioned(), client: vault });
    vault.failNext = restError(429, 'Throttled');

    const error = await new EnvelopeCipher(provider).seal('secret', context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeyProviderError);
    expect((error as KeyProviderError).reason).toBe('unavailable');
    expect((error as Error).message).not.toMatch(/Bearer|eyJ|value=/);
    expect((error as Error).cause).toBeUndefined();
  });
});
