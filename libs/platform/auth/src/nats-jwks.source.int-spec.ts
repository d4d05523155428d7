import { AccessTokenVerifier } from './access-token.verifier';
import { KeySourceUnavailableError } from './errors';
import { NatsJwksSource, type NatsJwksSourceOptions } from './nats-jwks.source';
import { type FakeIdentity, sleep, startFakeIdentity } from './testing/fake-identity';
import { ISSUER, publicJwk, type SigningKey, signingKey, signToken } from './testing/token-fixtures';

describe('NatsJwksSource against real NATS', () => {
  let k1: SigningKey;
  let k2: SigningKey;
  let identity: FakeIdentity;

  beforeAll(async () => {
    [k1, k2] = await Promise.all([signingKey('k1'), signingKey('k2')]);
  });

  beforeEach(async () => {
    identity = await startFakeIdentity([await publicJwk(k1)]);
  });

  afterEach(async () => {
    await identity.close();
  });

  const source = (options: NatsJwksSourceOptions = {}): NatsJwksSource =>
    new NatsJwksSource(identity.client(), { minRefetchIntervalMs: 300, ...options });

  it("verifies a token with identity's key fetched over NATS", async () => {
    const verifier = new AccessTokenVerifier(source(), { issuer: ISSUER });
    await expect(verifier.verify(await signToken(k1))).resolves.toMatchObject({ accountId: 'acc-1' });
  });

  it('answers known kids from the cache without asking identity again', async () => {
    const keys = source();
    await Promise.all(Array.from({ length: 20 }, () => keys.getKey('k1')));
    await sleep(350);
    expect((await keys.getKey('k1'))?.type).toBe('public');
    expect(identity.requests()).toBe(1);
  });

  it('picks up a rotated-in key when a token names its kid', async () => {
    const verifier = new AccessTokenVerifier(source(), { issuer: ISSUER });
    await verifier.verify(await signToken(k1));
    identity.keys = [await publicJwk(k1), await publicJwk(k2)];
    await sleep(350);
    await expect(verifier.verify(await signToken(k2))).resolves.toMatchObject({ accountId: 'acc-1' });
    expect(identity.requests()).toBe(2);
  });

  it('asks identity at most once per interval however many unknown kids arrive', async () => {
    const keys = source({ minRefetchIntervalMs: 1000 });
    await keys.getKey('k1');
    await sleep(1050);
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => keys.getKey(`bogus-${i}`)));
    for (let i = 0; i < 50; i += 1) await keys.getKey(`bogus-late-${i}`);
    expect(flood.every((k) => k === null)).toBe(true);
    expect(identity.requests()).toBe(2);
    await sleep(1050);
    expect(await keys.getKey('bogus-after')).toBeNull();
    expect(identity.requests()).toBe(3);
  });

  it('refetches when the cache expires, dropping a retired key', async () => {
    const keys = source({ cacheMs: 400 });
    expect(await keys.getKey('k1')).not.toBeNull();
    identity.keys = [await publicJwk(k2)];
    await sleep(450);
    expect(await keys.getKey('k1')).toBeNull();
    expect(await keys.getKey('k2')).not.toBeNull();
  });

  it('keeps using the last keys while identity is unreachable', async () => {
    const keys = source({ cacheMs: 400, requestTimeoutMs: 300 });
    expect(await keys.getKey('k1')).not.toBeNull();
    await identity.stop();
    await sleep(450);
    expect((await keys.getKey('k1'))?.type).toBe('public');
  });

  it('fails with KeySourceUnavailableError when identity never answered', async () => {
    await identity.stop();
    const keys = source({ requestTimeoutMs: 300 });
    await expect(keys.getKey('k1')).rejects.toBeInstanceOf(KeySourceUnavailableError);
  });

  it('ignores keys identity publishes for other uses or algorithms', async () => {
    identity.keys = [
      { ...(await publicJwk(k1)), use: 'enc' },
      { ...(await publicJwk(k2)), alg: 'ES384' },
    ];
    const keys = source();
    expect(await keys.getKey('k1')).toBeNull();
    expect(await keys.getKey('k2')).toBeNull();
  });
});
