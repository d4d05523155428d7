import { inspect } from 'node:util';
import { HmacKeyedHasher } from './hmac-keyed-hasher.adapter';

describe('HmacKeyedHasher', () => {
  it('computes pseudonyms as HMAC-SHA-256 hex (RFC 4231 test case 6)', () => {
    const hasher = new HmacKeyedHasher(Buffer.alloc(131, 0xaa));
    expect(hasher.pseudonym('Test Using Larger Than Block-Size Key - Hash Key First')).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('gives different pseudonyms under different keys', () => {
    const a = new HmacKeyedHasher(Buffer.alloc(32, 1));
    const b = new HmacKeyedHasher(Buffer.alloc(32, 2));
    expect(a.pseudonym('login:alice')).not.toBe(b.pseudonym('login:alice'));
  });

  it('hashes tokens as SHA-256 hex', () => {
    expect(new HmacKeyedHasher(Buffer.alloc(32)).tokenHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new HmacKeyedHasher(Buffer.alloc(31))).toThrow('pseudonym key must be at least 32 bytes');
  });

  it('keeps the key out of inspection and JSON', () => {
    const key = Buffer.alloc(32, 0x5a);
    const hasher = new HmacKeyedHasher(key);
    const shown = `${inspect(hasher, { showHidden: true })} ${JSON.stringify({ hasher })}`;
    expect(shown).not.toContain(key.toString('hex'));
    expect(shown).not.toContain('5a, 5a');
  });
});
