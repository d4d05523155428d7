import { join } from 'node:path';
import { EnvelopeCipher } from './envelope-cipher';
import { DecryptionError, SealedValueFormatError } from './errors';
import { LocalKeyFileProvider } from './local-key-file.provider';
import { SealedValue } from './sealed-value';
import { useTempDir } from './testing/temp-dir';

const context = { org: 'org-7', connector: 'conn-42', field: 'clientSecret' };

// Indexes of the parts of `v1.<provider>.<keyId>.<algorithm>.<wrappedKey>.<iv>.<ciphertext>.<tag>`.
const BINARY_PARTS = { keyId: 2, wrappedKey: 4, iv: 5, ciphertext: 6, tag: 7 } as const;

function withPart(text: string, index: number, value: string): string {
  const parts = text.split('.');
  parts[index] = value;
  return parts.join('.');
}

function flipByte(part: string, byte: number): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[byte] = (bytes[byte] as number) ^ 0x01;
  return bytes.toString('base64url');
}

describe('EnvelopeCipher against tampering', () => {
  const tempDir = useTempDir();
  let cipher: EnvelopeCipher;
  let text: string;

  beforeEach(async () => {
    cipher = new EnvelopeCipher(
      await LocalKeyFileProvider.open(join(tempDir(), 'keyring.json'), { createIfMissing: true }),
    );
    text = (await cipher.seal('a client secret', context)).toString();
  });

  it.each(Object.entries(BINARY_PARTS))(
    'rejects a flipped bit in any byte of the %s part',
    async (_name, index) => {
      const part = text.split('.')[index] as string;
      const length = Buffer.from(part, 'base64url').length;
      expect(length).toBeGreaterThan(0);

      for (let byte = 0; byte < length; byte++) {
        const tampered = SealedValue.parse(withPart(text, index, flipByte(part, byte)));
        await expect(cipher.open(tampered, context)).rejects.toThrow(DecryptionError);
      }
    },
  );

  it('rejects a changed provider name', async () => {
    const tampered = SealedValue.parse(withPart(text, 1, 'locals'));

    await expect(cipher.open(tampered, context)).rejects.toThrow(DecryptionError);
  });

  it('rejects a changed wrap algorithm', async () => {
    const tampered = SealedValue.parse(withPart(text, 3, 'A128GCM'));

    await expect(cipher.open(tampered, context)).rejects.toThrow(DecryptionError);
  });

  it('rejects a truncated ciphertext', async () => {
    const part = text.split('.')[6] as string;
    const shorter = Buffer.from(part, 'base64url').subarray(1).toString('base64url');

    await expect(cipher.open(SealedValue.parse(withPart(text, 6, shorter)), context)).rejects.toThrow(
      DecryptionError,
    );
  });

  it('rejects a changed format version at parse time', () => {
    expect(() => SealedValue.parse(withPart(text, 0, 'v2'))).toThrow(SealedValueFormatError);
  });
});
