import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyringError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { useTempDir } from './testing/temp-dir';

const key = randomBytes(32).toString('base64');
const valid = { version: 1, activeKeyId: 'kek-a', keys: { 'kek-a': key } };

describe('LocalKeyFileProvider with a malformed keyring', () => {
  const tempDir = useTempDir();

  async function openWith(content: string): Promise<unknown> {
    const path = join(tempDir(), 'keyring.json');
    await writeFile(path, content, { mode: 0o600 });
    return LocalKeyFileProvider.open(path).catch((e: unknown) => e);
  }

  it('opens the valid baseline keyring', async () => {
    expect(await openWith(JSON.stringify(valid))).toBeInstanceOf(LocalKeyFileProvider);
  });

  it.each([
    ['not JSON', `{"version":1,"keys":{"kek-a":"${key}"`, 'not valid JSON'],
    ['an empty file', '', 'not valid JSON'],
    ['a JSON array', '[]', 'expected a JSON object'],
    ['an unknown field', JSON.stringify({ ...valid, note: 'x' }), 'unexpected top-level field'],
    ['another version', JSON.stringify({ ...valid, version: 2 }), "'version' must be 1"],
    ['no active key id', JSON.stringify({ version: 1, keys: valid.keys }), "'activeKeyId' must be a key id"],
    [
      'an active key that is absent',
      JSON.stringify({ ...valid, activeKeyId: 'kek-b' }),
      'names a key that is not',
    ],
    ['keys as an array', JSON.stringify({ ...valid, keys: [key] }), "'keys' must be an object"],
    ['a bad key id', JSON.stringify({ ...valid, keys: { ...valid.keys, 'bad id!': key } }), 'a key id in'],
    [
      'a short key',
      JSON.stringify({ ...valid, keys: { 'kek-a': randomBytes(16).toString('base64') } }),
      '32 bytes',
    ],
    [
      'a key that is not base64',
      JSON.stringify({ ...valid, keys: { 'kek-a': `${key.slice(0, -2)}!=` } }),
      '32 bytes',
    ],
    ['a numeric key', JSON.stringify({ ...valid, keys: { 'kek-a': 42 } }), '32 bytes'],
  ])('refuses %s with a clear error naming the path', async (_case, content, problem) => {
    const error = await openWith(content);

    expect(error).toBeInstanceOf(KeyringError);
    const message = (error as Error).message;
    expect(message).toContain(`keyring file ${join(tempDir(), 'keyring.json')} is malformed`);
    expect(message).toContain(problem);
    expect(message).not.toContain(key);
    expect(message).not.toContain(key.slice(0, 12));
  });
});
