import { randomBytes } from 'node:crypto';
import { SealedValueFormatError } from './errors';
import { SEALED_VALUE_MAX_LENGTH, SealedValue } from './sealed-value';

const sample = new SealedValue(
  {
    provider: 'azure-keyvault',
    keyId: 'https://vault-1.vault.azure.net/keys/ferry-kek/0123456789abcdef0123456789abcdef',
    algorithm: 'RSA-OAEP-256',
    bytes: randomBytes(256),
  },
  randomBytes(12),
  randomBytes(40),
  randomBytes(16),
);
const text = sample.toString();

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}

function replacePart(index: number, value: string): string {
  const parts = text.split('.');
  parts[index] = value;
  return parts.join('.');
}

describe('SealedValue', () => {
  it('serialises as v1 with eight dot-separated parts and parses back to an equal value', () => {
    const parsed = SealedValue.parse(text);

    expect(text.startsWith('v1.azure-keyvault.')).toBe(true);
    expect(text.split('.')).toHaveLength(8);
    expect(text).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(parsed.wrappedKey).toEqual(sample.wrappedKey);
    expect(parsed.iv.equals(sample.iv)).toBe(true);
    expect(parsed.ciphertext.equals(sample.ciphertext)).toBe(true);
    expect(parsed.tag.equals(sample.tag)).toBe(true);
    expect(parsed.toString()).toBe(text);
  });

  it('serialises to its text form in JSON', () => {
    expect(JSON.stringify({ secret: sample })).toBe(JSON.stringify({ secret: text }));
  });

  it.each([
    ['an empty string', '', 'unknown format version'],
    ['another version', replacePart(0, 'v2'), 'unknown format version'],
    ['too few parts', text.split('.').slice(0, 7).join('.'), 'must have 8 dot-separated parts, found 7'],
    ['too many parts', `${text}.AA`, 'must have 8 dot-separated parts, found 9'],
    ['an upper-case provider', replacePart(1, 'Local'), 'provider must match'],
    ['an empty provider', replacePart(1, ''), 'provider must match'],
    ['an algorithm with a space', replacePart(3, 'RSA OAEP'), 'algorithm must match'],
    ['padded base64', replacePart(5, `${sample.iv.toString('base64url')}=`), 'part iv is not base64url'],
    ['standard base64 characters', replacePart(4, '+/+/'), 'part wrappedKey is not base64url'],
    [
      'non-canonical base64url',
      replacePart(7, `${sample.tag.toString('base64url').slice(0, -1)}B`),
      'not canonical',
    ],
    ['an empty key id', replacePart(2, ''), 'part keyId is empty'],
    [
      'a key id that is not UTF-8',
      replacePart(2, Buffer.from([0xff, 0xfe]).toString('base64url')),
      'not valid UTF-8',
    ],
    ['an empty wrapped key', replacePart(4, ''), 'part wrappedKey is empty'],
    ['an 8-byte iv', replacePart(5, randomBytes(8).toString('base64url')), 'iv must be 12 bytes'],
    ['a truncated tag', replacePart(7, randomBytes(12).toString('base64url')), 'tag must be 16 bytes'],
    [
      'an oversized wrapped key',
      replacePart(4, randomBytes(1025).toString('base64url')),
      'wrapped key must be 1-1024',
    ],
    [
      'an oversized key id',
      replacePart(2, Buffer.alloc(513, 0x61).toString('base64url')),
      'key id must be 1-512',
    ],
  ])('refuses %s with a clear error', (_case, input, problem) => {
    expect(() => SealedValue.parse(input)).toThrow(SealedValueFormatError);
    expect(() => SealedValue.parse(input)).toThrow(problem);
  });

  it('refuses a non-string', () => {
    expect(() => SealedValue.parse(Buffer.from(text) as unknown as string)).toThrow(
      'sealed value must be a string',
    );
  });

  it('refuses text longer than the default limit before looking at it', () => {
    const huge = `v1.${'A'.repeat(SEALED_VALUE_MAX_LENGTH)}`;

    expect(() => SealedValue.parse(huge)).toThrow(
      `sealed value is ${huge.length} characters long; the limit is ${SEALED_VALUE_MAX_LENGTH}`,
    );
  });

  it('applies a caller-supplied length limit', () => {
    expect(() => SealedValue.parse(text, { maxLength: text.length - 1 })).toThrow(
      `the limit is ${text.length - 1}`,
    );
    expect(SealedValue.parse(text, { maxLength: text.length }).toString()).toBe(text);
  });

  it('accepts an empty ciphertext', () => {
    const empty = new SealedValue(sample.wrappedKey, sample.iv, Buffer.alloc(0), sample.tag);

    expect(SealedValue.parse(empty.toString()).ciphertext).toHaveLength(0);
  });

  it('never echoes the offending text in its errors', () => {
    const secretLooking = replacePart(5, 'SUPERSECRETVALUE1');

    const error = captureError(() => SealedValue.parse(secretLooking));

    expect(error).toBeInstanceOf(SealedValueFormatError);
    expect((error as Error).message).not.toContain('SUPERSECRETVALUE');
  });
});
