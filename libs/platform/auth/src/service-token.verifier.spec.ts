import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { ServiceTokenError } from './service-identity.errors';
import { ServiceTokenSigner } from './service-token.signer';
import { ServiceTokenVerifier } from './service-token.verifier';
import {
  clockAt,
  hmacWithPublicKey,
  serviceClaims,
  serviceKeyPair,
  signedServiceToken,
  T0,
  unsignedServiceToken,
  withPayload,
} from './testing/service-token.fixtures';

describe('ServiceTokenVerifier', () => {
  const migration = serviceKeyPair();
  const freebusy = serviceKeyPair();
  const trusted = new Map([
    ['migration', [migration.publicKey]],
    ['freebusy', [freebusy.publicKey]],
  ]);
  const verifierAt = (offsetSeconds: number) =>
    new ServiceTokenVerifier({ audience: 'svc:connectors', trusted, now: clockAt(offsetSeconds) });
  const verifier = verifierAt(0);

  /** The reason the token is refused, or 'accepted'; also checks the refusal does not quote the token. */
  const outcome = async (token: string, by = verifier): Promise<string> => {
    try {
      await by.verify(token);
      return 'accepted';
    } catch (error) {
      if (!(error instanceof ServiceTokenError)) throw error;
      // The whole token and each of its segments (a signature alone would still be a leak).
      for (const part of [token, ...token.split('.')].filter((p) => p.length > 8)) {
        expect(error.message).not.toContain(part);
      }
      expect(error.cause).toBeUndefined();
      return error.reason;
    }
  };

  it('accepts what ServiceTokenSigner issues and names the calling service', async () => {
    const signer = new ServiceTokenSigner({
      service: 'migration',
      privateKey: migration.privateKey,
      now: clockAt(0),
    });

    await expect(verifier.verify(await signer.token('svc:connectors'))).resolves.toEqual({
      service: 'migration',
      tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      expiresAt: new Date((T0 + 300) * 1000),
    });
  });

  it('tells services apart by the key that signed', async () => {
    const token = await signedServiceToken(
      freebusy,
      serviceClaims({ iss: 'svc:freebusy', sub: 'svc:freebusy' }),
    );
    await expect(verifier.verify(token)).resolves.toMatchObject({ service: 'freebusy' });
  });

  it.each([
    ['expired beyond the 30 s tolerance', 331, 'expired'],
    ['expired within the tolerance', 329, 'accepted'],
    ['not valid yet beyond the tolerance', -31, 'not-yet-valid'],
    ['not valid yet within the tolerance', -29, 'accepted'],
  ])('judges a token %s by the clock it is given', async (_case, offset, expected) => {
    const token = await signedServiceToken(migration);
    expect(await outcome(token, verifierAt(offset))).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['expired', { iat: T0 - 400, nbf: T0 - 400, exp: T0 - 100 }, 'expired'],
    ['issued in the future', { iat: T0 + 120, nbf: T0, exp: T0 + 300 }, 'not-yet-valid'],
    ['valid from the future', { nbf: T0 + 120 }, 'not-yet-valid'],
    ['valid for longer than 5 minutes and the tolerance', { exp: T0 + 331 }, 'lifetime'],
    ['valid for an hour', { exp: T0 + 3600 }, 'lifetime'],
    ['for another service', { aud: 'svc:freebusy' }, 'audience'],
    ['for several services at once', { aud: ['svc:connectors', 'svc:freebusy'] }, 'audience'],
    ['for no service', { aud: undefined }, 'claims'],
    ['issued as another service', { iss: 'svc:freebusy', sub: 'svc:freebusy' }, 'issuer'],
    ['whose sub disagrees with iss', { sub: 'svc:freebusy' }, 'issuer'],
    ['whose iss is not a service', { iss: 'urn:ferry:identity' }, 'issuer'],
    ['without a jti', { jti: undefined }, 'claims'],
    ['with an empty jti', { jti: '' }, 'claims'],
    ['without an exp', { exp: undefined }, 'claims'],
    ['without an iat', { iat: undefined }, 'claims'],
    ['without an nbf', { nbf: undefined }, 'claims'],
  ])('refuses a token %s', async (_case, overrides, reason) => {
    const token = await signedServiceToken(migration, serviceClaims(overrides));
    expect(await outcome(token)).toBe(reason);
  });

  it("refuses service A's key signing as service B", async () => {
    // freebusy's key, claiming to be migration, and the reverse.
    const asMigration = await signedServiceToken(freebusy, serviceClaims());
    const asFreebusy = await signedServiceToken(
      migration,
      serviceClaims({ iss: 'svc:freebusy', sub: 'svc:freebusy' }),
    );
    expect(await outcome(asMigration)).toBe('issuer');
    expect(await outcome(asFreebusy)).toBe('issuer');
  });

  it("refuses a kid naming service B's key on a token service A's key signed", async () => {
    const token = await signedServiceToken(freebusy, serviceClaims(), { kid: migration.kid });
    expect(await outcome(token)).toBe('signature');
  });

  it('refuses a key nobody trusts, even when it claims a trusted kid', async () => {
    const stranger = serviceKeyPair();
    expect(await outcome(await signedServiceToken(stranger))).toBe('unknown-key');
    expect(await outcome(await signedServiceToken(stranger, serviceClaims(), { kid: migration.kid }))).toBe(
      'signature',
    );
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await signedServiceToken(migration);
    expect(await outcome(withPayload(token, serviceClaims({ exp: T0 + 200 })))).toBe('signature');
  });

  it('refuses alg none', async () => {
    expect(await outcome(unsignedServiceToken(migration.kid))).toBe('algorithm');
  });

  it('refuses HS256 keyed with the trusted public key', async () => {
    expect(await outcome(await hmacWithPublicKey(migration))).toBe('algorithm');
  });

  it('refuses RS256, even from a key it would otherwise know by kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await new SignJWT(serviceClaims())
      .setProtectedHeader({ alg: 'RS256', typ: 'ferry-svc+jwt', kid: migration.kid })
      .sign(privateKey);
    expect(await outcome(token)).toBe('algorithm');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an identity access token's typ", { typ: 'at+jwt' }, 'type'],
    ['no typ', { typ: undefined }, 'type'],
    ['no kid', { kid: undefined }, 'malformed'],
    ['a kid longer than a thumbprint', { kid: 'k'.repeat(65) }, 'malformed'],
    ['a crit parameter', { crit: ['b64'], b64: true }, 'malformed'],
    ['a jku parameter', { jku: 'https://attacker.example/keys' }, 'malformed'],
  ])('refuses a header with %s', async (_case, header, reason) => {
    const token = await signedServiceToken(migration, serviceClaims(), header);
    expect(await outcome(token)).toBe(reason);
  });

  it.each([
    ['an empty string', ''],
    ['two segments', 'abc.def'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
    ['an oversized token', `${'a'.repeat(5000)}.b.c`],
  ])('refuses %s as malformed', async (_case, token) => {
    expect(await outcome(token)).toBe('malformed');
  });

  it('says why in a message that names the reason only', async () => {
    const token = await signedServiceToken(migration, serviceClaims({ aud: 'svc:freebusy' }));
    await expect(verifier.verify(token)).rejects.toThrow(new ServiceTokenError('audience'));
    await expect(verifier.verify(token)).rejects.toThrow('service token refused: audience');
  });
});
