import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvelopeCipher } from './envelope-cipher';
import { KeyringError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { useTempDir } from './testing/temp-dir';

const context = { org: 'org-7', field: 'clientSecret' };

describe('LocalKeyFileProvider', () => {
  const tempDir = useTempDir();
  const keyringPath = () => join(tempDir(), 'state', 'ferry', 'keyring.json');

  it('creates the keyring with mode 0600 inside a 0700 directory on first start', async () => {
    const provider = await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });

    expect((await stat(keyringPath())).mode & 0o777).toBe(0o600);
    expect((await stat(join(tempDir(), 'state', 'ferry'))).mode & 0o777).toBe(0o700);
    const doc = JSON.parse(await readFile(keyringPath(), 'utf8')) as Record<string, unknown>;
    expect(doc['version']).toBe(1);
    expect(doc['activeKeyId']).toBe(provider.activeKeyId());
    const keys = doc['keys'] as Record<string, string>;
    expect(Object.keys(keys)).toEqual([provider.activeKeyId()]);
    expect(Buffer.from(keys[provider.activeKeyId()] as string, 'base64')).toHaveLength(32);
  });

  it('reopens an existing keyring with the same active key', async () => {
    const first = await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });
    const sealed = await new EnvelopeCipher(first).seal('secret', context);

    const second = await LocalKeyFileProvider.open(keyringPath());

    expect(second.activeKeyId()).toBe(first.activeKeyId());
    expect((await new EnvelopeCipher(second).open(sealed, context)).toString()).toBe('secret');
  });

  it('refuses a missing keyring unless asked to create one, naming the path and the switch', async () => {
    const error = await LocalKeyFileProvider.open(keyringPath()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeyringError);
    expect((error as Error).message).toContain(`keyring file ${keyringPath()} does not exist`);
    expect((error as Error).message).toContain('FERRY_KEK_CREATE_IF_MISSING=true');
  });

  it.each([0o644, 0o640, 0o604, 0o660])(
    'refuses a keyring with mode 0%o and says how to fix it',
    async (mode) => {
      await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });
      await chmod(keyringPath(), mode);

      const error = await LocalKeyFileProvider.open(keyringPath()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(KeyringError);
      expect((error as Error).message).toContain(keyringPath());
      expect((error as Error).message).toContain(`chmod 600 ${keyringPath()}`);
      expect((error as Error).message).toContain(`mode 0${mode.toString(8)}`);
    },
  );

  it('accepts a read-only 0400 keyring', async () => {
    await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });
    await chmod(keyringPath(), 0o400);

    await expect(LocalKeyFileProvider.open(keyringPath())).resolves.toBeInstanceOf(LocalKeyFileProvider);
  });

  it('refuses a keyring path that is a directory', async () => {
    await expect(LocalKeyFileProvider.open(tempDir())).rejects.toThrow('is not a regular file');
  });

  it('rotates to a new active key, keeps the old one, and old values still open', async () => {
    const provider = await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });
    const cipher = new EnvelopeCipher(provider);
    const oldKeyId = provider.activeKeyId();
    const before = await cipher.seal('old secret', context);

    const newKeyId = await provider.rotate();
    const after = await cipher.seal('new secret', context);

    expect(newKeyId).not.toBe(oldKeyId);
    expect(provider.activeKeyId()).toBe(newKeyId);
    expect(provider.keyIds()).toEqual([oldKeyId, newKeyId]);
    expect(before.wrappedKey.keyId).toBe(oldKeyId);
    expect(after.wrappedKey.keyId).toBe(newKeyId);
    expect((await cipher.open(before, context)).toString()).toBe('old secret');
    expect((await cipher.open(after, context)).toString()).toBe('new secret');
  });

  it('persists rotation with mode 0600 so a restarted process opens both generations', async () => {
    const provider = await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });
    const before = await new EnvelopeCipher(provider).seal('old', context);
    await provider.rotate();
    const after = await new EnvelopeCipher(provider).seal('new', context);

    const restarted = new EnvelopeCipher(await LocalKeyFileProvider.open(keyringPath()));

    expect((await stat(keyringPath())).mode & 0o777).toBe(0o600);
    expect((await restarted.open(before, context)).toString()).toBe('old');
    expect((await restarted.open(after, context)).toString()).toBe('new');
  });

  it('keeps every key when rotations run concurrently', async () => {
    const provider = await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });

    const ids = await Promise.all([provider.rotate(), provider.rotate(), provider.rotate()]);

    const reopened = await LocalKeyFileProvider.open(keyringPath());
    expect(reopened.keyIds()).toHaveLength(4);
    expect(reopened.keyIds()).toEqual(expect.arrayContaining(ids));
    expect(reopened.activeKeyId()).toBe(ids[2]);
  });

  it('opens values sealed after another process rotated the shared keyring', async () => {
    const reader = await LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true });
    const writer = await LocalKeyFileProvider.open(keyringPath());
    await writer.rotate();
    const sealed = await new EnvelopeCipher(writer).seal('fresh', context);

    expect((await new EnvelopeCipher(reader).open(sealed, context)).toString()).toBe('fresh');
  });

  it('uses the keyring another process created first when both start together', async () => {
    const [a, b] = await Promise.all([
      LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true }),
      LocalKeyFileProvider.open(keyringPath(), { createIfMissing: true }),
    ]);

    expect(a.activeKeyId()).toBe(b.activeKeyId());
  });

  it('gives each new keyring its own random key', async () => {
    await LocalKeyFileProvider.open(join(tempDir(), 'a.json'), { createIfMissing: true });
    await LocalKeyFileProvider.open(join(tempDir(), 'b.json'), { createIfMissing: true });
    const keyOf = async (file: string) =>
      Object.values(
        (JSON.parse(await readFile(join(tempDir(), file), 'utf8')) as { keys: object }).keys,
      )[0] as string;

    expect(await keyOf('a.json')).not.toBe(await keyOf('b.json'));
  });
});
