import type { KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { parseJwkSet } from './jwk-set.parser';
import { publicJwk, signingKey } from './testing/token-fixtures';

describe('parseJwkSet', () => {
  it('imports EC P-256 signing keys by kid', async () => {
    const [a, b] = await Promise.all([signingKey('a'), signingKey('b')]);
    const keys = await parseJwkSet(JSON.stringify({ keys: [await publicJwk(a), await publicJwk(b)] }));
    expect([...keys.keys()]).toEqual(['a', 'b']);
    expect(keys.get('a')?.type).toBe('public');
  });

  it('accepts a key without use and alg members', async () => {
    const { kid, ...rest } = await publicJwk(await signingKey('bare'));
    const { use: _use, alg: _alg, ...bare } = rest;
    expect([...(await parseJwkSet(JSON.stringify({ keys: [{ ...bare, kid }] }))).keys()]).toEqual(['bare']);
  });

  it('skips RSA, other curves, encryption keys, other algorithms, private keys and keys without kid', async () => {
    const good = await publicJwk(await signingKey('good'));
    const rsa = { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: 'rsa', use: 'sig' };
    const p384 = { ...(await exportJWK((await generateKeyPair('ES384')).publicKey)), kid: 'p384' };
    const ecPair = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(ecPair.privateKey)), kid: 'private' };
    const members = [
      rsa,
      p384,
      { ...good, kid: 'enc', use: 'enc' },
      { ...good, kid: 'es384', alg: 'ES384' },
      { ...good, kid: 'hs', alg: 'HS256' },
      privateJwk,
      { ...good, kid: undefined },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' },
      'not a key',
      null,
      good,
    ];
    expect([...(await parseJwkSet(JSON.stringify({ keys: members }))).keys()]).toEqual(['good']);
  });

  it('skips a key whose point is not on the curve', async () => {
    const good = await publicJwk(await signingKey('good'));
    const offCurve = { ...good, kid: 'bad', y: good.x };
    expect([...(await parseJwkSet(JSON.stringify({ keys: [offCurve, good] }))).keys()]).toEqual(['good']);
  });

  it('keeps the first of two keys with the same kid', async () => {
    const [first, second] = await Promise.all([signingKey('same'), signingKey('same')]);
    const keys = await parseJwkSet(
      JSON.stringify({ keys: [await publicJwk(first), await publicJwk(second)] }),
    );
    expect((keys.get('same') as KeyObject).equals(first.publicKey)).toBe(true);
  });

  it('rejects text that is not a JWK Set', async () => {
    for (const text of [
      '',
      'not json',
      'null',
      '[]',
      '{"keys":{}}',
      JSON.stringify({ keys: [] }).padEnd(70_000),
    ]) {
      await expect(parseJwkSet(text)).rejects.toThrow(/JWK Set/);
    }
  });
});
