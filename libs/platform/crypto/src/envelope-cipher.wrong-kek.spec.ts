import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvelopeCipher } from './envelope-cipher';
import { DecryptionError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { useTempDir } from './testing/temp-dir';

const context = { org: 'org-7', connector: 'conn-42', field: 'clientSecret' };

describe('EnvelopeCipher with the wrong key-encryption key', () => {
  const tempDir = useTempDir();

  it('fails with unknown-key when another keyring does not hold the key id', async () => {
    const mine = await LocalKeyFileProvider.open(join(tempDir(), 'a.json'), { createIfMissing: true });
    const theirs = await LocalKeyFileProvider.open(join(tempDir(), 'b.json'), { createIfMissing: true });
    const sealed = await new EnvelopeCipher(mine).seal('secret', context);

    const error = await new EnvelopeCipher(theirs).open(sealed, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('unknown-key');
  });

  it('fails with key-unwrap-failed when a keyring holds the same key id with other key material', async () => {
    const keyring = (id: string) =>
      JSON.stringify({ version: 1, activeKeyId: id, keys: { [id]: randomBytes(32).toString('base64') } });
    await writeFile(join(tempDir(), 'a.json'), keyring('kek-same'), { mode: 0o600 });
    await writeFile(join(tempDir(), 'b.json'), keyring('kek-same'), { mode: 0o600 });
    const mine = await LocalKeyFileProvider.open(join(tempDir(), 'a.json'));
    const impostor = await LocalKeyFileProvider.open(join(tempDir(), 'b.json'));
    const sealed = await new EnvelopeCipher(mine).seal('secret', context);

    const error = await new EnvelopeCipher(impostor).open(sealed, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('key-unwrap-failed');
  });
});
