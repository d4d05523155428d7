import { generateKeyPair, SignJWT } from 'jose';
import { AccessTokenVerifier } from './access-token.verifier';
import { InvalidTokenError } from './errors';
import type { JwksSource, VerificationKey } from './jwks-source';
import {
  claims,
  hmacWithPublicKey,
  ISSUER,
  ORG_A,
  type SigningKey,
  signingKey,
  signToken,
  staticSource,
  unsignedToken,
  withPayload,
} from './testing/token-fixtures';

describe('AccessTokenVerifier', () => {
  let key: SigningKey;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    key = await signingKey('k1');
    verifier = new AccessTokenVerifier(staticSource(key), { issuer: ISSUER });
  });

  /** The reason the token is refused, or 'accepted'. */
  const outcome = async (token: string, by = verifier): Promise<string> => {
    try {
      await by.verify(token);
      return 'accepted';
    } catch (err) {
      if (err instanceof InvalidTokenError) return err.reason;
      throw err;
    }
  };

  it('accepts a token identity issued and returns its claims', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const token = await signToken(key, { payload: claims({ exp, roles: ['org-admin', 'auditor'] }) });
    await expect(verifier.verify(token)).resolves.toEqual({
      accountId: 'acc-1',
      sessionId: 'ses-1',
      orgId: ORG_A,
      roles: ['org-admin', 'auditor'],
      amr: ['pwd', 'otp'],
      expiresAt: new Date(exp * 1000),
      tokenId: 'jti-1',
    });
  });

  it('gives a platform account (no org claim) a null organisation', async () => {
    const token = await signToken(key, { payload: claims({ org: undefined, roles: ['platform-admin'] }) });
    await expect(verifier.verify(token)).resolves.toMatchObject({ orgId: null, roles: ['platform-admin'] });
  });

  it('lower-cases the organisation id', async () => {
    const token = await signToken(key, { payload: claims({ org: ORG_A.toUpperCase() }) });
    await expect(verifier.verify(token)).resolves.toMatchObject({ orgId: ORG_A });
  });

  it('accepts a token expired within the 30 s clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, {
      payload: claims({ iat: now - 310, nbf: now - 310, exp: now - 10 }),
    });
    expect(await outcome(token)).toBe('accepted');
  });

  it('judges expiry by the clock it is given', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, { payload: claims({ iat: now, nbf: now, exp: now + 300 }) });
    const later = new AccessTokenVerifier(staticSource(key), {
      issuer: ISSUER,
      now: () => new Date((now + 400) * 1000),
    });
    expect(await outcome(token, later)).toBe('expired');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await signToken(key);
    expect(await outcome(withPayload(token, claims({ roles: ['platform-admin'] })))).toBe('signature');
  });

  it('refuses a token whose signature was changed', async () => {
    const token = await signToken(key);
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await outcome(flipped)).toBe('signature');
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const impostor = await signingKey('k1');
    expect(await outcome(await signToken(impostor))).toBe('signature');
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, {
      payload: claims({ iat: now - 400, nbf: now - 400, exp: now - 60 }),
    });
    expect(await outcome(token)).toBe('expired');
  });

  it('refuses a token that is not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, { payload: claims({ nbf: now + 60, exp: now + 360 }) });
    expect(await outcome(token)).toBe('expired');
  });

  it('refuses a token for another audience', async () => {
    expect(await outcome(await signToken(key, { payload: claims({ aud: 'other-api' }) }))).toBe('audience');
  });

  it('refuses a token from another issuer', async () => {
    expect(await outcome(await signToken(key, { payload: claims({ iss: 'https://evil.example' }) }))).toBe(
      'issuer',
    );
  });

  it('refuses a token without a kid', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(key.privateKey);
    expect(await outcome(token)).toBe('malformed');
  });

  it('refuses a token whose kid the key source does not know', async () => {
    const stranger = await signingKey('k-unknown');
    expect(await outcome(await signToken(stranger))).toBe('unknown-key');
  });

  it('refuses an unsigned token (alg none) without looking up a key', async () => {
    const lookups: string[] = [];
    const counting: JwksSource = {
      getKey: async (kid): Promise<VerificationKey | null> => (lookups.push(kid), key.publicKey),
    };
    expect(await outcome(unsignedToken('k1'), new AccessTokenVerifier(counting, { issuer: ISSUER }))).toBe(
      'algorithm',
    );
    expect(lookups).toEqual([]);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (HS/RS confusion)', async () => {
    expect(await outcome(await hmacWithPublicKey(key))).toBe('algorithm');
  });

  it('refuses an RS256 token signed by an RSA key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
      .sign(privateKey);
    expect(await outcome(token)).toBe('algorithm');
  });

  it('refuses a token signed with another EC algorithm (ES384)', async () => {
    const p384 = await signingKey('k1', 'ES384');
    expect(await outcome(await signToken(p384, { alg: 'ES384' }))).toBe('algorithm');
  });

  it("refuses a JWT whose typ is 'JWT' rather than 'at+jwt' (an ID token, say)", async () => {
    expect(await outcome(await signToken(key, { header: { typ: 'JWT' } }))).toBe('malformed');
  });

  it('refuses a token without a typ', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(key.privateKey);
    expect(await outcome(token)).toBe('malformed');
  });

  it('refuses a token that names only unknown roles', async () => {
    expect(
      await outcome(await signToken(key, { payload: claims({ roles: ['superuser', '__proto__'] }) })),
    ).toBe('claims');
  });

  it('drops unknown role names next to known ones', async () => {
    const token = await signToken(key, { payload: claims({ roles: ['superuser', 'viewer'] }) });
    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['viewer'] });
  });

  it('refuses roles that are not a list of strings', async () => {
    expect(await outcome(await signToken(key, { payload: claims({ roles: 'org-admin' }) }))).toBe('claims');
  });

  it('refuses an organisation id that is not a UUID', async () => {
    expect(await outcome(await signToken(key, { payload: claims({ org: "x' OR 1=1 --" }) }))).toBe('claims');
  });

  it.each(['sub', 'sid', 'roles', 'amr', 'jti', 'exp'])('refuses a token without %s', async (claim) => {
    expect(await outcome(await signToken(key, { payload: claims({ [claim]: undefined }) }))).toBe('claims');
  });

  it('refuses text that is not a compact JWS', async () => {
    for (const text of ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.**', `${'a'.repeat(9000)}.b.c`])
      expect(await outcome(text)).toBe('malformed');
  });

  it('never puts the token or its claims in the error', async () => {
    const forged = withPayload(await signToken(key), claims({ sub: 'victim-account' }));
    const error = (await verifier.verify(forged).catch((e: unknown) => e)) as Error;
    const shown = `${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(shown).not.toContain(forged.split('.')[1]);
    expect(shown).not.toContain('victim-account');
  });
});
