import { join } from 'node:path';
import { EnvelopeCipher } from './envelope-cipher';
import { DecryptionError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { useTempDir } from './testing/temp-dir';

const context = { org: 'org-7', connector: 'conn-42', field: 'clientSecret' };

describe('EnvelopeCipher encryption context binding', () => {
  const tempDir = useTempDir();
  let cipher: EnvelopeCipher;

  beforeEach(async () => {
    cipher = new EnvelopeCipher(
      await LocalKeyFileProvider.open(join(tempDir(), 'keyring.json'), { createIfMissing: true }),
    );
  });

  it.each([
    ['org', { ...context, org: 'org-8' }],
    ['connector', { ...context, connector: 'conn-43' }],
    ['field', { ...context, field: 'refreshToken' }],
  ])('fails with DecryptionError when %s differs', async (_field, other) => {
    const sealed = await cipher.seal('secret', context);

    const error = await cipher.open(sealed, other).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('authentication-failed');
  });

  it('fails when the context has an extra entry', async () => {
    const sealed = await cipher.seal('secret', context);

    await expect(cipher.open(sealed, { ...context, extra: '' })).rejects.toThrow(DecryptionError);
  });

  it('fails when the context lacks an entry', async () => {
    const sealed = await cipher.seal('secret', context);

    await expect(cipher.open(sealed, { org: context.org, field: context.field })).rejects.toThrow(
      DecryptionError,
    );
  });

  it('fails when a value moves between keys', async () => {
    const sealed = await cipher.seal('secret', { a: 'b|c', c: '' });

    await expect(cipher.open(sealed, { a: 'b', c: '|c' })).rejects.toThrow(DecryptionError);
  });

  it('opens with the same entries given in another order', async () => {
    const sealed = await cipher.seal('secret', context);

    const reordered = { field: context.field, connector: context.connector, org: context.org };
    expect((await cipher.open(sealed, reordered)).toString()).toBe('secret');
  });
});
