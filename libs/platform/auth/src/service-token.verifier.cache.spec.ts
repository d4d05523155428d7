import { ServiceTokenError } from './service-identity.errors';
import { ServiceTokenVerifier, type ServiceTokenVerifierOptions } from './service-token.verifier';
import {
  clockAt,
  serviceClaims,
  serviceKeyPair,
  signedServiceToken,
  T0,
  withPayload,
} from './testing/service-token.fixtures';

describe('ServiceTokenVerifier cache of verified tokens', () => {
  const migration = serviceKeyPair();
  let offset = 0;
  const verifier = (options: Partial<ServiceTokenVerifierOptions> = {}) =>
    new ServiceTokenVerifier({
      audience: 'svc:connectors',
      trusted: new Map([['migration', [migration.publicKey]]]),
      now: () => clockAt(offset)(),
      ...options,
    });

  beforeEach(() => {
    offset = 0;
  });

  it('remembers a verified token and answers the same from memory', async () => {
    const cached = verifier();
    const token = await signedServiceToken(migration);

    const first = await cached.verify(token);
    expect(cached.cachedTokens).toBe(1);
    await expect(cached.verify(token)).resolves.toEqual(first);
    expect(cached.cachedTokens).toBe(1);
  });

  it('still refuses a cached token once it has expired, and forgets it', async () => {
    const cached = verifier();
    const token = await signedServiceToken(migration);
    await cached.verify(token);

    offset = 300 + 30; // exp + tolerance: the first second the full check refuses too
    await expect(cached.verify(token)).rejects.toThrow(new ServiceTokenError('expired'));
    // Dropped by the cache lookup itself, so the refusal came from the cached entry.
    expect(cached.cachedTokens).toBe(0);
  });

  it('keeps accepting a cached token up to the same instant the full check would', async () => {
    const cached = verifier();
    const token = await signedServiceToken(migration);
    await cached.verify(token);

    offset = 329;
    await expect(cached.verify(token)).resolves.toMatchObject({ expiresAt: new Date((T0 + 300) * 1000) });
    expect(cached.cachedTokens).toBe(1);
  });

  it('never caches a refused token', async () => {
    const cached = verifier();
    const token = await signedServiceToken(migration);
    const tampered = withPayload(token, serviceClaims({ jti: 'jti-2' }));

    await expect(cached.verify(tampered)).rejects.toThrow(ServiceTokenError);
    await expect(cached.verify(tampered)).rejects.toThrow(ServiceTokenError);
    expect(cached.cachedTokens).toBe(0);
  });

  it('holds at most maxCachedTokens, dropping the oldest first', async () => {
    const cached = verifier({ maxCachedTokens: 2 });
    const tokens = await Promise.all(
      ['a', 'b', 'c'].map((jti) => signedServiceToken(migration, serviceClaims({ jti }))),
    );
    for (const token of tokens) await cached.verify(token);
    expect(cached.cachedTokens).toBe(2);

    // Were 'a' still cached, this refusal would drop its entry (leaving 1); a full check changes nothing.
    offset = 331;
    await expect(cached.verify(tokens[0] ?? '')).rejects.toThrow(new ServiceTokenError('expired'));
    expect(cached.cachedTokens).toBe(2);
  });

  it('caches nothing when maxCachedTokens is 0', async () => {
    const uncached = verifier({ maxCachedTokens: 0 });
    await uncached.verify(await signedServiceToken(migration));
    expect(uncached.cachedTokens).toBe(0);
  });
});
