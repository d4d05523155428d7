import { createHash } from 'node:crypto';
import { chainHash, GENESIS_HASH, isChainHash } from './chain-hash';

const link = { prevHash: GENESIS_HASH, sequence: 1n, id: 'a', orgId: 'o', payload: new Uint8Array([1, 2]) };

describe('the chain hash', () => {
  it('is SHA-256 over the documented canonical encoding', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([
        Buffer.from('ferry.audit.chain.v1\u0000'),
        Buffer.alloc(32),
        Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]),
        Buffer.from([0, 0, 0, 1]), Buffer.from('a'),
        Buffer.from([0, 0, 0, 1]), Buffer.from('o'),
        Buffer.from([0, 0, 0, 2, 1, 2]),
      ]))
      .digest('hex');
    expect(chainHash(link)).toBe(expected);
    expect(isChainHash(expected)).toBe(true);
  });

  it('changes with every field, and length prefixes keep shifted boundaries apart', () => {
    const base = chainHash(link);
    expect(chainHash({ ...link, sequence: 2n })).not.toBe(base);
    expect(chainHash({ ...link, prevHash: 'f'.repeat(64) })).not.toBe(base);
    expect(chainHash({ ...link, payload: new Uint8Array([1, 3]) })).not.toBe(base);
    expect(chainHash({ ...link, id: 'ao', orgId: '' })).not.toBe(chainHash({ ...link, id: 'a', orgId: 'o' }));
  });

  it('refuses a malformed previous hash or sequence', () => {
    expect(() => chainHash({ ...link, prevHash: 'F'.repeat(64) })).toThrow('prev_hash');
    expect(() => chainHash({ ...link, sequence: 0n })).toThrow('sequence');
  });
});
