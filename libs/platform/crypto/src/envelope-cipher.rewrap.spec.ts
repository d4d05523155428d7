import { join } from 'node:path';
import { AzureKeyVaultKeyProvider } from './azure-key-vault.provider';
import { EnvelopeCipher } from './envelope-cipher';
import { CryptoError, DecryptionError, KeyProviderError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { SealedValue } from './sealed-value';
import { FakeKeyVault, restError } from './testing/fake-key-vault';
import { RecordingKeyProvider, useTempDir } from './testing/temp-dir';

const context = { org: 'org-7', connector: 'conn-42', field: 'clientSecret' };
const SECRET = 'rewrap-me-Zq81';

/** The parts rewrap must keep, as they are stored. */
function payloadOf(sealed: SealedValue): string[] {
  const parsed = SealedValue.parse(sealed.toString());
  return [parsed.iv, parsed.ciphertext, parsed.tag].map((b) => b.toString('hex'));
}

function withWrappedBytes(sealed: SealedValue, bytes: Buffer): SealedValue {
  return new SealedValue({ ...sealed.wrappedKey, bytes }, sealed.iv, sealed.ciphertext, sealed.tag);
}

describe('EnvelopeCipher.rewrap', () => {
  const tempDir = useTempDir();
  let keys: LocalKeyFileProvider;
  let cipher: EnvelopeCipher;

  beforeEach(async () => {
    keys = await LocalKeyFileProvider.open(join(tempDir(), 'a.json'), { createIfMissing: true });
    cipher = new EnvelopeCipher(keys);
  });

  it('moves a value sealed before a keyring rotation to the new key, keeping IV, ciphertext and tag', async () => {
    const sealed = await cipher.seal(SECRET, context);
    const oldKeyId = keys.activeKeyId();
    const newKeyId = await keys.rotate();

    const rewrapped = SealedValue.parse((await cipher.rewrap(sealed)).toString());

    expect(newKeyId).not.toBe(oldKeyId);
    expect(rewrapped.wrappedKey).toMatchObject({ provider: 'local', keyId: newKeyId, algorithm: 'A256GCM' });
    expect(rewrapped.wrappedKey.bytes.equals(sealed.wrappedKey.bytes)).toBe(false);
    expect(payloadOf(rewrapped)).toEqual(payloadOf(sealed));
    expect((await cipher.open(rewrapped, context)).toString('utf8')).toBe(SECRET);
  });

  it('still needs the right encryption context to open the rewrapped value', async () => {
    const sealed = await cipher.seal(SECRET, context);
    await keys.rotate();

    const rewrapped = await cipher.rewrap(sealed);
    const error = await cipher.open(rewrapped, { ...context, field: 'other' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('authentication-failed');
  });

  it('never decrypts the payload: a value with an altered tag rewraps unchanged and still fails to open', async () => {
    const sealed = await cipher.seal(SECRET, context);
    const tag = Buffer.from(sealed.tag);
    tag[0] = (tag[0] as number) ^ 0x01;
    const altered = new SealedValue(sealed.wrappedKey, sealed.iv, sealed.ciphertext, tag);
    await keys.rotate();

    const rewrapped = await cipher.rewrap(altered);

    expect(rewrapped.tag.equals(tag)).toBe(true);
    await expect(cipher.open(rewrapped, context)).rejects.toThrow(DecryptionError);
  });

  it('fails with DecryptionError when the wrapped data key was tampered with', async () => {
    const sealed = await cipher.seal(SECRET, context);
    const bytes = Buffer.from(sealed.wrappedKey.bytes);
    bytes[20] = (bytes[20] as number) ^ 0x80;
    await keys.rotate();

    const error = await cipher.rewrap(withWrappedBytes(sealed, bytes)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('key-unwrap-failed');
  });

  it('hands the unwrapped data key to the target and zeroes it afterwards', async () => {
    const sealed = await cipher.seal(SECRET, context);
    const target = new RecordingKeyProvider(keys);

    await cipher.rewrap(sealed, target);

    expect(target.dataKeyCopies).toHaveLength(1);
    expect(target.dataKeyCopies[0]?.equals(Buffer.alloc(32))).toBe(false);
    expect(target.wrappedBuffers[0]?.equals(Buffer.alloc(32))).toBe(true);
  });

  it('moves a value to another keyring file, which alone then opens it', async () => {
    const other = await LocalKeyFileProvider.open(join(tempDir(), 'b.json'), { createIfMissing: true });
    const sealed = await cipher.seal(SECRET, context);

    const moved = await cipher.rewrap(sealed, other);

    expect(moved.wrappedKey.keyId).toBe(other.activeKeyId());
    expect(payloadOf(moved)).toEqual(payloadOf(sealed));
    expect((await new EnvelopeCipher(other).open(moved, context)).toString('utf8')).toBe(SECRET);
    const error = await cipher.open(moved, context).catch((e: unknown) => e);
    expect((error as DecryptionError).reason).toBe('unknown-key');
  });

  it('returns the active key of its provider, which changes with a rotation', async () => {
    const before = cipher.activeKey();
    const rotated = await keys.rotate();

    expect(before).toEqual({ provider: 'local', keyId: expect.stringMatching(/^kek-/) as string });
    expect(cipher.activeKey()).toEqual({ provider: 'local', keyId: rotated });
  });

  it('refuses something other than a SealedValue', async () => {
    await expect(cipher.rewrap('v1.local.x' as unknown as SealedValue)).rejects.toThrow(CryptoError);
  });

  it('refuses a value wrapped by a provider that is neither its own nor the target', async () => {
    const sealed = await cipher.seal(SECRET, context);
    const foreign = new SealedValue(
      { ...sealed.wrappedKey, provider: 'gcp-kms' },
      sealed.iv,
      sealed.ciphertext,
      sealed.tag,
    );

    const error = await cipher.rewrap(foreign).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('wrong-provider');
  });

  describe('with Azure Key Vault (in-memory stand-in)', () => {
    let vault: FakeKeyVault;
    let azure: AzureKeyVaultKeyProvider;

    beforeEach(async () => {
      vault = new FakeKeyVault();
      azure = await AzureKeyVaultKeyProvider.create({
        keyId: `${vault.vaultUrl}/keys/${vault.name}`,
        client: vault,
      });
    });

    it('moves a value from the local keyring to the Key Vault key, which then opens it', async () => {
      const sealed = await cipher.seal(SECRET, context);

      const moved = SealedValue.parse((await cipher.rewrap(sealed, azure)).toString());

      expect(moved.wrappedKey).toMatchObject({
        provider: 'azure-keyvault',
        keyId: vault.idOf(vault.currentVersion),
        algorithm: 'RSA-OAEP-256',
      });
      expect(payloadOf(moved)).toEqual(payloadOf(sealed));
      expect((await new EnvelopeCipher(azure).open(moved, context)).toString('utf8')).toBe(SECRET);
    });

    it('moves a value to the new key version after a rotation in Key Vault', async () => {
      const azureCipher = new EnvelopeCipher(azure);
      const sealed = await azureCipher.seal(SECRET, context);
      const oldVersion = vault.currentVersion;
      const newVersion = vault.addVersion();
      await azure.refreshActiveKey();
      vault.calls.length = 0;

      const rewrapped = await azureCipher.rewrap(sealed);

      expect(rewrapped.wrappedKey.keyId).toBe(vault.idOf(newVersion));
      expect(vault.calls.map((c) => [c.operation, c.keyId])).toEqual([
        ['unwrapKey', vault.idOf(oldVersion)],
        ['wrapKey', vault.idOf(newVersion)],
      ]);
      expect((await azureCipher.open(rewrapped, context)).toString('utf8')).toBe(SECRET);
    });

    it('unwraps with the target when the value is already on its provider under an older version', async () => {
      const onOldVersion = await new EnvelopeCipher(azure).seal(SECRET, context);
      vault.addVersion();
      await azure.refreshActiveKey();

      const rewrapped = await cipher.rewrap(onOldVersion, azure);

      expect(rewrapped.wrappedKey.keyId).toBe(azure.activeKeyId());
      expect((await new EnvelopeCipher(azure).open(rewrapped, context)).toString('utf8')).toBe(SECRET);
    });

    it('reports an unavailable Key Vault as KeyProviderError, without rewrapping', async () => {
      const sealed = await cipher.seal(SECRET, context);
      vault.failNext = restError(503, 'ServiceUnavailable');

      const error = await cipher.rewrap(sealed, azure).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(KeyProviderError);
      expect((error as KeyProviderError).reason).toBe('unavailable');
    });
  });
});
