import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { AzureKeyVaultKeyProvider } from './azure-key-vault.provider';
import { sealedValueTransformer } from './encrypted-column.decorator';
import { encodeEncryptionContext } from './encryption-context';
import { EnvelopeCipher } from './envelope-cipher';
import { CryptoError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { SealedValue } from './sealed-value';
import { FakeKeyVault, restError } from './testing/fake-key-vault';
import { RecordingKeyProvider, useTempDir } from './testing/temp-dir';

const plaintext = 'PLAINTEXT-hunter2-client-secret';
const context = { org: 'org-CONTEXTVALUE-1', connector: 'conn-CONTEXTVALUE-2', field: 'clientSecret' };

async function failure(run: () => unknown): Promise<CryptoError> {
  try {
    await run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(CryptoError);
    return error as CryptoError;
  }
  throw new Error('expected a failure');
}

describe('error messages', () => {
  const tempDir = useTempDir();

  it('never contain key material, plaintext, context values or sealed text', async () => {
    const keyringPath = join(tempDir(), 'keyring.json');
    const keys = new RecordingKeyProvider(
      await LocalKeyFileProvider.open(keyringPath, { createIfMissing: true }),
    );
    const cipher = new EnvelopeCipher(keys);
    const keyringText = await readFile(keyringPath, 'utf8');
    const kek = Object.values(
      (JSON.parse(keyringText) as { keys: Record<string, string> }).keys,
    )[0] as string;
    const sealed = await cipher.seal(plaintext, context);
    const text = sealed.toString();
    const dataKey = keys.dataKeyCopies[0] as Buffer;
    const other = new EnvelopeCipher(
      await LocalKeyFileProvider.open(join(tempDir(), 'other.json'), { createIfMissing: true }),
    );
    const corruptKeyring = join(tempDir(), 'corrupt.json');
    // Unquoting the key makes JSON.parse's own message quote it: the keyring error must not pass that on.
    await writeFile(corruptKeyring, keyringText.replace(`"${kek}"`, kek), { mode: 0o600 });
    const vault = new FakeKeyVault();
    const azure = await AzureKeyVaultKeyProvider.create({
      keyId: vault.idOf(vault.currentVersion),
      client: vault,
    });

    const errors = await Promise.all([
      failure(() => cipher.open(sealed, { ...context, field: 'refreshToken' })),
      failure(() => cipher.open(sealed, { ...context, org: 'org-CONTEXTVALUE-3' })),
      failure(() => other.open(sealed, context)),
      failure(() =>
        cipher.open(
          new SealedValue(sealed.wrappedKey, sealed.iv, Buffer.alloc(sealed.ciphertext.length), sealed.tag),
          context,
        ),
      ),
      failure(() => SealedValue.parse(text.slice(0, -3))),
      failure(() => SealedValue.parse(`${text}.${plaintext}`)),
      failure(() => SealedValue.parse(text.replace('v1.', 'v9.'))),
      failure(() => LocalKeyFileProvider.open(corruptKeyring)),
      failure(() => encodeEncryptionContext({ org: 42 as unknown as string, secret: plaintext })),
      failure(() => encodeEncryptionContext({ [`${plaintext}!`]: 'x' })),
      failure(() => sealedValueTransformer.to(plaintext)),
      failure(() => sealedValueTransformer.from(plaintext)),
      failure(() => {
        vault.failNext = restError(403, 'Forbidden');
        return azure.wrap(dataKey);
      }),
    ]);

    const forbidden = [
      plaintext,
      'hunter2',
      'CONTEXTVALUE',
      kek,
      kek.slice(0, 8),
      Buffer.from(kek, 'base64').toString('hex').slice(0, 16),
      dataKey.toString('base64'),
      dataKey.toString('hex').slice(0, 16),
      text.split('.')[4] as string,
      text.split('.')[6] as string,
      'Bearer',
      'eyJ',
    ];
    for (const error of errors) {
      const rendered = `${error.message}\n${inspect(error)}`;
      for (const secret of forbidden) {
        expect({ message: error.message, leaked: rendered.includes(secret) }).toEqual({
          message: error.message,
          leaked: false,
        });
      }
    }
  });
});
