import { randomBytes } from 'node:crypto';
import { QuickXorHash } from './quick-xor-hash';

/** The published algorithm, bit by bit over a 160-bit BigInt: slow, but a direct reading of it. */
function reference(data: Uint8Array): string {
  const mask = (1n << 160n) - 1n;
  let v = 0n;
  for (let k = 0; k < data.length; k++) {
    const bit = BigInt((k * 11) % 160);
    const b = BigInt(data[k] ?? 0);
    v ^= ((b << bit) | (b >> (160n - bit))) & mask;
  }
  const bytes = Buffer.alloc(20);
  for (let i = 0; i < 20; i++) bytes[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  for (let i = 0; i < 8; i++) bytes[12 + i] = (bytes[12 + i] ?? 0) ^ (len[i] ?? 0);
  return bytes.toString('base64');
}

describe('QuickXorHash', () => {
  it('hashes empty content to twenty zero bytes', () => {
    expect(new QuickXorHash().digest()).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  });

  it('matches the bit-by-bit algorithm for lengths around the 160-byte period', () => {
    for (const n of [1, 7, 159, 160, 161, 1000, 4099]) {
      const data = randomBytes(n);
      expect(new QuickXorHash().update(data).digest()).toBe(reference(data));
    }
  });

  it('gives the same digest however the input is split into chunks', () => {
    const data = randomBytes(10_000);
    const whole = new QuickXorHash().update(data).digest();
    const pieces = new QuickXorHash();
    for (let i = 0; i < data.length; i += 333) pieces.update(data.subarray(i, i + 333));
    expect(pieces.digest()).toBe(whole);
  });

  it('differs when one byte differs', () => {
    const data = randomBytes(500);
    const other = Buffer.from(data);
    other[250] = (other[250] ?? 0) ^ 1;
    expect(new QuickXorHash().update(other).digest()).not.toBe(new QuickXorHash().update(data).digest());
  });
});
