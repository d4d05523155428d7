import { randomBytes } from 'node:crypto';
import { Base64urlDecoder, Base64urlError } from './base64url-decoder';

/** Splits `text` at pseudo-random places (a seeded LCG, so a failure repeats). */
function pieces(text: string, seed: number): string[] {
  const out: string[] = [];
  let state = seed;
  for (let at = 0; at < text.length;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 9);
    out.push(text.slice(at, at + size));
    at += size;
  }
  return out;
}

function decode(parts: readonly string[]): Buffer {
  const decoder = new Base64urlDecoder();
  return Buffer.concat([...parts.map((p) => decoder.push(p)), decoder.end()]);
}

describe('gmail base64url decoder', () => {
  it.each([0, 1, 2, 3, 4, 5, 1000, 4096 + 1])(
    'decodes %i bytes split anywhere, with and without padding',
    (size) => {
      const bytes = randomBytes(size);
      const plain = bytes.toString('base64url');
      const padded = plain + '='.repeat((4 - (plain.length % 4)) % 4);
      for (const seed of [1, 7, 42]) {
        expect(decode(pieces(plain, seed)).equals(bytes)).toBe(true);
        expect(decode(pieces(padded, seed)).equals(bytes)).toBe(true);
      }
    },
  );

  it('refuses characters outside the base64url alphabet', () => {
    expect(() => decode(['QUJD', 'R+Ff'])).toThrow(Base64urlError);
    expect(() => decode(['QUJD\nREVG'])).toThrow(Base64urlError);
  });

  it('refuses every character the decoder would skip or take from standard base64, wherever it is', () => {
    const valid = randomBytes(300).toString('base64url');
    for (const bad of ['+', '/', ' ', '\t', '.', '%', '\u00e9', '\u0000', '\\']) {
      for (const at of [0, 1, 2, 3, 150, 399]) {
        const text = valid.slice(0, at) + bad + valid.slice(at + 1);
        expect(() => decode(pieces(text, at + 1))).toThrow(Base64urlError);
      }
    }
  });

  it('refuses data after padding and a text that stops where no byte can end', () => {
    expect(() => decode(['QQ==', 'QUJD'])).toThrow(Base64urlError);
    expect(() => decode(['QQ=A'])).toThrow(Base64urlError);
    expect(() => decode(['QUJDR'])).toThrow(Base64urlError);
  });
});
