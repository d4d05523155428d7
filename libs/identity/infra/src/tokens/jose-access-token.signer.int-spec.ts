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

  it('rotates after 30 days, keeps the old kid published until its tokens expired, then deletes it', async () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const signer = signerOn(0, clock);
    const first = await signer.sign(claims);
    const oldKid = kidOf(first.token);

    clock.advance(ROTATION - 1000);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);

    clock.advance(1000);
    const second = await signer.sign(claims);
    const newKid = kidOf(second.token);
    expect(newKid).not.toBe(oldKid);
    const jwks = await signer.jwks();
    expect(jwks.keys.map((k) => k['kid'])).toEqual([newKid, oldKid]);
    // A token the old key signed just before the rotation still verifies against the published set.
    const lastOld = await jwtVerify(first.token, createLocalJWKSet(jwks as never), {
      currentDate: new Date(first.expiresAt.getTime() - 1000),
    });
    expect(lastOld.protectedHeader.kid).toBe(oldKid);

    clock.advance(KEEP - 1000);
    expect((await signer.jwks()).keys.map((k) => k['kid'])).toEqual([newKid, oldKid]);
    clock.advance(1001);
    expect((await signer.jwks()).keys.map((k) => k['kid'])).toEqual([newKid]);
    // The row itself goes at the signer's next reload of the current key.
    clock.advance(60_000);
    await signer.sign(claims);
    expect(await kids()).toEqual([newKid]);
  });

  it('lets two replicas agree on the current key, at start and across a rotation', async () => {
    const clockA = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const clockB = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const [a, b] = [signerOn(0, clockA), signerOn(1, clockB)];
    const start = await Promise.all([a.sign(claims), b.sign(claims), a.sign(claims), b.sign(claims)]);
    expect(new Set(start.map((s) => kidOf(s.token))).size).toBe(1);

    clockA.advance(ROTATION);
    clockB.advance(ROTATION);
    const rotated = await Promise.all([a.sign(claims), b.sign(claims)]);
    const [kidA, kidB] = rotated.map((s) => kidOf(s.token));
    expect(kidA).toBe(kidB);
    expect(kidA).not.toBe(kidOf(start[0].token));
    expect(await kids()).toHaveLength(2);
    expect((await a.jwks()).keys).toEqual((await b.jwks()).keys);
  });

  it('follows another replica rotation within the reload interval', async () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const a = signerOn(0, clock);
    const b = signerOn(1, clock);
    const kid1 = kidOf((await a.sign(claims)).token);
    expect(kidOf((await b.sign(claims)).token)).toBe(kid1);
    // A rotation B did not see happen (as if its clock lagged): B keeps kid1 until it reloads.
    await new TypeormSigningKeyStore(t.db, t.cipher).insertNext(
      { ...(await new TypeormSigningKeyStore(t.db, t.cipher).latest())!, kid: 'forced', generation: 2 },
      clock.now(),
    );
    clock.advance(61_000);
    expect(kidOf((await b.sign(claims)).token)).toBe('forced');
  });

  it('stores the private key sealed and bound to its kid', async () => {
    const signer = signerOn(0, new ManualClock(new Date('2026-03-01T00:00:00Z')));
    await signer.sign(claims);
    const latest = await new TypeormSigningKeyStore(t.db, t.cipher).latest();
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
