import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ManualClock } from '../testing/identity-fixtures';
import { InMemorySigningKeyStore } from '../testing/in-memory-signing-key.store';
import { JoseAccessTokenSigner } from './jose-access-token.signer';

const ISSUER = 'urn:ferry:identity';
const T0 = new Date('2026-03-01T12:00:00.000Z');
const ROTATION = 30 * 24 * 3_600_000;
const AHEAD = 10 * 60_000;
const claims = {
  accountId: 'acc-1',
  sessionId: 'ses-1',
  orgId: 'org-1',
  roles: ['org-admin' as const],
  amr: ['pwd', 'otp'],
};
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const kidsOf = async (signer: JoseAccessTokenSigner) => (await signer.jwks()).keys.map((k) => k['kid']);

describe('JoseAccessTokenSigner token format', () => {
  let clock: ManualClock;
  let signer: JoseAccessTokenSigner;

  beforeEach(() => {
    clock = new ManualClock(T0);
    signer = new JoseAccessTokenSigner(new InMemorySigningKeyStore(), clock, { issuer: ISSUER });
  });

  it('signs an ES256 at+jwt whose header names a kid published in the JWKS', async () => {
    const { token } = await signer.sign(claims);
    const header = decodeProtectedHeader(token);
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(header.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const jwks = await signer.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0]!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: header.kid,
      alg: 'ES256',
      use: 'sig',
    });
  });

  it('carries iss, aud, sub, sid, org, roles, amr, iat, nbf, exp (5 min) and a random jti', async () => {
    const { token, expiresAt } = await signer.sign(claims);
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet((await signer.jwks()) as never),
      {
        issuer: ISSUER,
        audience: 'ferry-api',
        algorithms: ['ES256'],
        typ: 'at+jwt',
        currentDate: T0,
      },
    );
    const iat = T0.getTime() / 1000;
    expect(protectedHeader.alg).toBe('ES256');
    const { jti, ...rest } = payload;
    expect(rest).toEqual({
      iss: ISSUER,
      aud: 'ferry-api',
      sub: 'acc-1',
      sid: 'ses-1',
      org: 'org-1',
      roles: ['org-admin'],
      amr: ['pwd', 'otp'],
      iat,
      nbf: iat,
      exp: iat + 300,
    });
    expect(jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(expiresAt).toEqual(new Date(T0.getTime() + 300_000));
    const again = await signer.sign(claims);
    expect(
      (await jwtVerify(again.token, createLocalJWKSet((await signer.jwks()) as never), { currentDate: T0 }))
        .payload.jti,
    ).not.toBe(jti);
  });

  it('leaves org out of a platform account token', async () => {
    const { token } = await signer.sign({ ...claims, orgId: null, roles: ['platform-admin'] });
    const { payload } = await jwtVerify(token, createLocalJWKSet((await signer.jwks()) as never), {
      currentDate: T0,
    });
    expect(payload).not.toHaveProperty('org');
    expect(payload['roles']).toEqual(['platform-admin']);
  });

  it('generates one key for a burst of concurrent first signatures', async () => {
    const store = new InMemorySigningKeyStore();
    const burst = new JoseAccessTokenSigner(store, clock, { issuer: ISSUER });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => burst.sign(claims)));
    expect(new Set(tokens.map((t) => decodeProtectedHeader(t.token).kid)).size).toBe(1);
    expect(store.keys).toHaveLength(1);
  });

  it('refuses a retirement margin shorter than the reload interval', () => {
    expect(
      () =>
        new JoseAccessTokenSigner(new InMemorySigningKeyStore(), clock, {
          issuer: ISSUER,
          retirementMarginMs: 1_000,
          reloadIntervalMs: 60_000,
        }),
    ).toThrow(/retirementMarginMs must be at least reloadIntervalMs/);
    expect(() => new JoseAccessTokenSigner(new InMemorySigningKeyStore(), clock, { issuer: ' ' })).toThrow(
      /issuer must not be empty/,
    );
  });
});

describe('JoseAccessTokenSigner key rotation with pre-publication', () => {
  let clock: ManualClock;
  let store: InMemorySigningKeyStore;
  let signer: JoseAccessTokenSigner;

  beforeEach(() => {
    clock = new ManualClock(T0);
    store = new InMemorySigningKeyStore();
    signer = new JoseAccessTokenSigner(store, clock, { issuer: ISSUER });
  });

  /** Signs the first key at T0 and moves the clock to `ms` after T0. */
  const firstKidThenAt = async (ms: number) => {
    const kid = kidOf((await signer.sign(claims)).token);
    clock.advance(ms);
    return kid;
  };

  it('publishes nothing new until publishAheadMs before the rotation', async () => {
    const oldKid = await firstKidThenAt(ROTATION - AHEAD - 1);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);
    expect(await kidsOf(signer)).toEqual([oldKid]);
    expect(store.keys).toHaveLength(1);
  });

  it('just before activation lists both keys in the JWKS while tokens still carry the old kid', async () => {
    const oldKid = await firstKidThenAt(ROTATION - AHEAD);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);
    const [nextKid, listedOld] = await kidsOf(signer);
    expect(listedOld).toBe(oldKid);
    expect(nextKid).not.toBe(oldKid);
    const next = store.keys.find((k) => k.kid === nextKid);
    expect(next?.activatedAt.getTime()).toBe(T0.getTime() + ROTATION);
    expect(next!.activatedAt.getTime() - next!.createdAt.getTime()).toBeGreaterThanOrEqual(AHEAD);

    clock.advance(AHEAD - 1);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);
    expect(await kidsOf(signer)).toEqual([nextKid, oldKid]);
  });

  it('after activation signs with the new kid, which a JWKS fetched before activation already held', async () => {
    const oldKid = await firstKidThenAt(ROTATION - AHEAD);
    // What a verifier cached when the next key was published, and did not refetch since.
    const cachedByVerifier = await signer.jwks();
    clock.advance(AHEAD);
    const { token } = await signer.sign(claims);
    const newKid = kidOf(token);
    expect(newKid).not.toBe(oldKid);
    expect(cachedByVerifier.keys.map((k) => k['kid'])).toContain(newKid);
    const verified = await jwtVerify(token, createLocalJWKSet(cachedByVerifier as never), {
      currentDate: clock.now(),
    });
    expect(verified.protectedHeader.kid).toBe(newKid);
    expect(store.keys).toHaveLength(2);
  });

  it('when the rotation point was missed (signer down), keeps the old key until the late-published one is due', async () => {
    const oldKid = await firstKidThenAt(ROTATION + 3_600_000);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);
    const [nextKid] = await kidsOf(signer);
    expect(nextKid).not.toBe(oldKid);
    clock.advance(AHEAD - 1);
    expect(kidOf((await signer.sign(claims)).token)).toBe(oldKid);
    clock.advance(1);
    expect(kidOf((await signer.sign(claims)).token)).toBe(nextKid);
  });

  it('lets two signers sharing a store agree on the current and the next key', async () => {
    const other = new JoseAccessTokenSigner(store, clock, { issuer: ISSUER });
    const start = await Promise.all([signer.sign(claims), other.sign(claims)]);
    expect(kidOf(start[0].token)).toBe(kidOf(start[1].token));

    clock.advance(ROTATION - AHEAD);
    const [jwksA, , jwksB] = await Promise.all([signer.jwks(), other.sign(claims), other.jwks()]);
    expect(store.keys).toHaveLength(2);
    expect(jwksA).toEqual(jwksB);
    expect(jwksA.keys).toHaveLength(2);

    clock.advance(AHEAD - 1);
    const before = await Promise.all([signer.sign(claims), other.sign(claims)]);
    expect(before.map((s) => kidOf(s.token))).toEqual([kidOf(start[0].token), kidOf(start[0].token)]);
    clock.advance(1);
    const after = await Promise.all([signer.sign(claims), other.sign(claims)]);
    expect(after.map((s) => kidOf(s.token))).toEqual([jwksA.keys[0]!['kid'], jwksA.keys[0]!['kid']]);
  });

  it('refuses to publish ahead for no longer than the verifiers cache, or for a whole rotation period', () => {
    const make = (options: { publishAheadMs?: number; rotationPeriodMs?: number }) => () =>
      new JoseAccessTokenSigner(store, clock, { issuer: ISSUER, ...options });
    expect(make({ publishAheadMs: 5 * 60_000 })).toThrow(
      /publishAheadMs must exceed the verifiers' JWKS cache/,
    );
    expect(make({ publishAheadMs: 60 * 60_000, rotationPeriodMs: 60 * 60_000 })).toThrow(
      /publishAheadMs must be shorter than rotationPeriodMs/,
    );
    expect(make({ publishAheadMs: 0 })).toThrow(/publishAheadMs must be a positive integer/);
    expect(make({ publishAheadMs: 5 * 60_000 + 1 })()).toBeInstanceOf(JoseAccessTokenSigner);
  });
});
