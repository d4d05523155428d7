import { join } from 'node:path';
import { EnvelopeCipher, MAX_PLAINTEXT_BYTES } from './envelope-cipher';
import { CryptoError, DecryptionError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { SealedValue } from './sealed-value';
import { RecordingKeyProvider, useTempDir } from './testing/temp-dir';

const context = { org: 'org-7', connector: 'conn-42', field: 'clientSecret' };

describe('EnvelopeCipher', () => {
  const tempDir = useTempDir();
  let keys: LocalKeyFileProvider;
  let cipher: EnvelopeCipher;

  beforeEach(async () => {
    keys = await LocalKeyFileProvider.open(join(tempDir(), 'keyring.json'), { createIfMissing: true });
    cipher = new EnvelopeCipher(keys);
  });

  it('opens what it sealed, through the text form, for string and binary plaintext', async () => {
    const text = (await cipher.seal('s3cr3t-värde', context)).toString();
    const binary = Buffer.from([0, 1, 2, 255, 254]);
    const sealedBinary = await cipher.seal(binary, context);

    expect((await cipher.open(SealedValue.parse(text), context)).toString('utf8')).toBe('s3cr3t-värde');
    expect(await cipher.open(SealedValue.parse(sealedBinary.toString()), context)).toEqual(binary);
  });

  it('seals an empty plaintext', async () => {
    const sealed = SealedValue.parse((await cipher.seal('', context)).toString());

    expect((await cipher.open(sealed, context)).length).toBe(0);
  });

  it('records the provider, its active key id and the wrap algorithm in the sealed value', async () => {
    const sealed = await cipher.seal('x', context);

    expect(sealed.wrappedKey).toMatchObject({
      provider: 'local',
      keyId: keys.activeKeyId(),
      algorithm: 'A256GCM',
    });
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
  });

  it('draws a different data key and IV for every seal, and zeroes each data key afterwards', async () => {
    const recording = new RecordingKeyProvider(keys);
    const recordingCipher = new EnvelopeCipher(recording);

    const sealed = await Promise.all(Array.from({ length: 20 }, () => recordingCipher.seal('same', context)));

    const distinctKeys = new Set(recording.dataKeyCopies.map((k) => k.toString('hex')));
    expect(distinctKeys.size).toBe(20);
    expect(recording.dataKeyCopies.every((k) => k.length === 32)).toBe(true);
    expect(recording.wrappedBuffers.every((k) => k.equals(Buffer.alloc(32)))).toBe(true);
    expect(new Set(sealed.map((s) => s.iv.toString('hex'))).size).toBe(20);
    expect(new Set(sealed.map((s) => s.toString())).size).toBe(20);
  });

  it('does not modify a caller-supplied plaintext buffer', async () => {
    const plaintext = Buffer.from('keep me');

    await cipher.seal(plaintext, context);

    expect(plaintext.toString()).toBe('keep me');
  });

  it('round-trips a 1 MiB plaintext through the text form within the parse limit', async () => {
    const large = Buffer.alloc(MAX_PLAINTEXT_BYTES, 0xab);

    const text = (await cipher.seal(large, context)).toString();

    expect((await cipher.open(SealedValue.parse(text), context)).equals(large)).toBe(true);
  });

  it('refuses a plaintext above the limit', async () => {
    await expect(cipher.seal(Buffer.alloc(MAX_PLAINTEXT_BYTES + 1), context)).rejects.toThrow(
      `plaintext is ${MAX_PLAINTEXT_BYTES + 1} bytes; the limit is ${MAX_PLAINTEXT_BYTES}`,
    );
  });

  it('refuses a plaintext that is neither a string nor a Buffer', async () => {
    await expect(cipher.seal(42 as unknown as string, context)).rejects.toThrow(CryptoError);
  });

  it('refuses to open a value wrapped by another provider kind', async () => {
    const sealed = await cipher.seal('x', context);
    const foreign = new SealedValue(
      { ...sealed.wrappedKey, provider: 'azure-keyvault' },
      sealed.iv,
      sealed.ciphertext,
      sealed.tag,
    );

    const error = await cipher.open(foreign, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).reason).toBe('wrong-provider');
  });
});
