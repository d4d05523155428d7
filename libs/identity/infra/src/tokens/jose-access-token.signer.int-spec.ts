import { DecryptionError, SealedValue } from '@ferry/platform/crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { signingKeyContext } from '../persistence/sealed-context';
import { TypeormSigningKeyStore } from '../persistence/typeorm-signing-key.store';
import { ManualClock } from '../testing/identity-fixtures';
import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';
import { JoseAccessTokenSigner } from './jose-access-token.signer';

const ISSUER = 'urn:ferry:identity';
const DAY = 24 * 3_600_000;
const ROTATION = 30 * DAY;
const AHEAD = 10 * 60_000;
const T0 = new Date('2026-03-01T00:00:00Z');
// Access TTL (300 s) + margin (300 s): how long a retired key stays published.
const KEEP = 600_000;
const claims = { accountId: 'acc-1', sessionId: 'ses-1', orgId: null, roles: [], amr: ['pwd'] };
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('access-token signing keys on PostgreSQL', () => {
  let t: IdentityTestDatabase;

  beforeEach(async () => {
    t = await openIdentityTestDatabase('identity_keys', 2);
  });
  afterEach(async () => {
    await t.close();
  });

  const signerOn = (source: number, clock: ManualClock) =>
    new JoseAccessTokenSigner(new TypeormSigningKeyStore(t.sources[source]!, t.cipher), clock, {
      issuer: ISSUER,
    });
  const kids = async () =>
    (await t.db.query<{ kid: string }[]>('SELECT kid FROM identity.signing_keys ORDER BY generation')).map(
      (r) => r.kid,
    );

  const retiredAtOf = async (kid: string) =>
    (
      await t.db.query<{ retired_at: Date | null }[]>(
        'SELECT retired_at FROM identity.signing_keys WHERE kid = $1',
        [kid],
      )
    )[0]?.retired_at;

  it('publishes the next key 10 min ahead, signs with it from day 30, keeps the old kid until its tokens expired', async () => {
    const clock = new ManualClock(T0);
    const signer = signerOn(0, clock);
    const oldKid = kidOf((await signer.sign(claims)).token);

    clock.advance(ROTATION - AHEAD - 1000);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);
    expect(await kids()).toEqual([oldKid]);

    clock.advance(1000);
    const cachedByVerifier = await signer.jwks();
    const [newKid] = cachedByVerifier.keys.map((k) => k['kid'] as string);
    expect(cachedByVerifier.keys.map((k) => k['kid'])).toEqual([newKid, oldKid]);
    expect(await kids()).toEqual([oldKid, newKid]);
    // The old key is set to retire when the new one takes over, not when the new one was created.
    expect(await retiredAtOf(oldKid!)).toEqual(new Date(T0.getTime() + ROTATION));

    clock.advance(AHEAD - 1);
    const lastOld = await signer.sign(claims);
    expect(kidOf(lastOld.token)).toBe(oldKid);
    expect((await signer.jwks()).keys.map((k) => k['kid'])).toEqual([newKid, oldKid]);

    clock.advance(1);
    const first = await signer.sign(claims);
    expect(kidOf(first.token)).toBe(newKid);
    // A verifier that cached the set 10 min ago verifies the new kid without refetching.
    const verified = await jwtVerify(first.token, createLocalJWKSet(cachedByVerifier as never), {
      currentDate: clock.now(),
    });
    expect(verified.protectedHeader.kid).toBe(newKid);
    // The old key's last token still verifies against the current set until it expires.
    await jwtVerify(lastOld.token, createLocalJWKSet((await signer.jwks()) as never), {
      currentDate: new Date(lastOld.expiresAt.getTime() - 1000),
    });

    clock.advance(KEEP - 1);
    expect((await signer.jwks()).keys.map((k) => k['kid'])).toEqual([newKid, oldKid]);
    clock.advance(1);
    expect((await signer.jwks()).keys.map((k) => k['kid'])).toEqual([newKid]);
    // The row itself goes at the signer's next reload of the keys.
    clock.advance(60_000);
    await signer.sign(claims);
    expect(await kids()).toEqual([newKid]);
  });

  it('lets two replicas agree on the current and the next key, at start, at publication and at activation', async () => {
    const clockA = new ManualClock(T0);
    const clockB = new ManualClock(T0);
    const [a, b] = [signerOn(0, clockA), signerOn(1, clockB)];
    const start = await Promise.all([a.sign(claims), b.sign(claims), a.sign(claims), b.sign(claims)]);
    const kid1 = kidOf(start[0].token);
    expect(new Set(start.map((s) => kidOf(s.token)))).toEqual(new Set([kid1]));

    for (const c of [clockA, clockB]) c.advance(ROTATION - AHEAD);
    const published = await Promise.all([a.jwks(), b.jwks(), a.sign(claims), b.sign(claims)]);
    expect(await kids()).toHaveLength(2);
    expect(published[0].keys).toEqual(published[1].keys);
    expect([kidOf(published[2].token), kidOf(published[3].token)]).toEqual([kid1, kid1]);
    const kid2 = published[0].keys[0]!['kid'];
    expect(kid2).not.toBe(kid1);

    for (const c of [clockA, clockB]) c.advance(AHEAD - 1);
    const before = await Promise.all([a.sign(claims), b.sign(claims)]);
    expect(before.map((s) => kidOf(s.token))).toEqual([kid1, kid1]);
    for (const c of [clockA, clockB]) c.advance(1);
    const after = await Promise.all([a.sign(claims), b.sign(claims)]);
    expect(after.map((s) => kidOf(s.token))).toEqual([kid2, kid2]);
    expect((await a.jwks()).keys).toEqual((await b.jwks()).keys);
  });

  it('follows a next key another replica published, within the reload interval, switching at its activation', async () => {
    const clock = new ManualClock(T0);
    const b = signerOn(1, clock);
    const kid1 = kidOf((await b.sign(claims)).token);
    // Another replica published gen 2 (activating in 5 min) after B last loaded the keys.
    const store = new TypeormSigningKeyStore(t.db, t.cipher);
    const [current] = await store.newest(1);
    await store.insertNext(
      { ...current!, kid: 'forced', generation: 2, activatedAt: new Date(T0.getTime() + 5 * 60_000) },
      clock.now(),
    );
    expect((await b.jwks()).keys.map((k) => k['kid'])).toEqual(['forced', kid1]);
    clock.advance(61_000);
    expect(kidOf((await b.sign(claims)).token)).toBe(kid1);
    clock.advance(5 * 60_000 - 61_000 - 1);
    expect(kidOf((await b.sign(claims)).token)).toBe(kid1);
    // 1 ms later, well within the reload interval: B switches on the key it already holds.
    clock.advance(1);
    expect(kidOf((await b.sign(claims)).token)).toBe('forced');
  });

  it('stores the private key sealed and bound to its kid', async () => {
    const signer = signerOn(0, new ManualClock(T0));
    await signer.sign(claims);
    const [latest] = await new TypeormSigningKeyStore(t.db, t.cipher).newest(1);
    const d = String(latest?.privateJwk.d);
    expect(d.length).toBeGreaterThan(40);
    const [row] = await t.db.query<Record<string, string>[]>('SELECT * FROM identity.signing_keys');
    expect(JSON.stringify(row)).not.toContain(d);
    expect(JSON.parse(row!['public_jwk']!)).not.toHaveProperty('d');
    await expect(
      t.cipher.open(SealedValue.parse(row!['private_jwk_sealed']!), signingKeyContext('another-kid')),
    ).rejects.toBeInstanceOf(DecryptionError);
  });
});
