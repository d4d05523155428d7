import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ManualClock } from '../testing/identity-fixtures';
import { InMemorySigningKeyStore } from '../testing/in-memory-signing-key.store';
import { JoseAccessTokenSigner } from './jose-access-token.signer';

const ISSUER = 'urn:ferry:identity';
const T0 = new Date('2026-03-01T12:00:00.000Z');
const claims = {
  accountId: 'acc-1',
  sessionId: 'ses-1',
  orgId: 'org-1',
  roles: ['org-admin' as const],
  amr: ['pwd', 'otp'],
};

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
