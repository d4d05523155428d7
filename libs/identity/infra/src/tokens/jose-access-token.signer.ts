import { randomBytes } from 'node:crypto';
import type { AccessTokenSigner, Clock } from '@ferry/identity/application';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_TYPE,
  type RoleName,
} from '@ferry/platform/rbac';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWTPayload,
  type KeyLike,
  SignJWT,
} from 'jose';
import type { SigningKeyRecord, SigningKeyStore } from './signing-key.store';

/**
 * How long the verifiers (`NatsJwksSource` in @ferry/platform/auth) cache the JWKS by default. A key
 * must be published for longer than this before it signs, or a verifier could still hold a set
 * fetched before the key existed.
 */
export const VERIFIER_JWKS_CACHE_MS = 5 * 60 * 1000;

/** Configuration of {@link JoseAccessTokenSigner}; everything but the issuer has a default. */
export interface JoseAccessTokenSignerOptions {
  /** `iss` of every token (FERRY_IDENTITY_ISSUER). */
  readonly issuer: string;
  /** Access-token lifetime; default 300 s. */
  readonly accessTokenTtlSeconds?: number;
  /** How long a key signs before the next one takes over; default 30 days. */
  readonly rotationPeriodMs?: number;
  /**
   * How long before it signs the next key is created and published; default 10 min. Must exceed
   * {@link VERIFIER_JWKS_CACHE_MS} and be shorter than the rotation period.
   */
  readonly publishAheadMs?: number;
  /** How long a retired key stays published beyond the access-token lifetime; default 5 min. */
  readonly retirementMarginMs?: number;
  /** How often a replica re-reads the keys (to follow another replica's rotation); default 60 s. */
  readonly reloadIntervalMs?: number;
}

export const ACCESS_TOKEN_SIGNER_DEFAULTS = {
  accessTokenTtlSeconds: 300,
  rotationPeriodMs: 30 * 24 * 60 * 60 * 1000,
  publishAheadMs: 10 * 60 * 1000,
  retirementMarginMs: 5 * 60 * 1000,
  reloadIntervalMs: 60 * 1000,
} as const;

interface LoadedKey {
  readonly record: SigningKeyRecord;
  readonly privateKey: KeyLike;
}

/** What a replica holds in memory: the key signing now and the pre-published one taking over next. */
interface KeyRing {
  readonly current: LoadedKey;
  readonly next: LoadedKey | null;
  readonly loadedAt: number;
}

/**
 * Signs ES256 access tokens (RFC 9068 `at+jwt`) with the current key of a shared key store and
 * rotates it every `rotationPeriodMs`. The next key is created and published `publishAheadMs`
 * before it takes over, so every verifier has it cached before it signs anything; until then the
 * current key signs. A retired key stays in the JWKS until every token it may have signed has
 * expired (TTL + margin, the margin covering a replica that has not reloaded yet), then it is
 * deleted. Replicas agree on the current and next key through the store's unique generation.
 */
export class JoseAccessTokenSigner implements AccessTokenSigner {
  private readonly issuer: string;
  private readonly ttlSeconds: number;
  private readonly rotationMs: number;
  private readonly publishAheadMs: number;
  private readonly keepRetiredMs: number;
  private readonly reloadMs: number;
  private ring: KeyRing | null = null;
  private settling: Promise<KeyRing> | null = null;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly clock: Clock,
    options: JoseAccessTokenSignerOptions,
  ) {
    const o = { ...ACCESS_TOKEN_SIGNER_DEFAULTS, ...options };
    if (o.issuer.trim() === '') throw new Error('access token issuer must not be empty');
    for (const name of [
      'accessTokenTtlSeconds',
      'rotationPeriodMs',
      'publishAheadMs',
      'retirementMarginMs',
      'reloadIntervalMs',
    ] as const) {
      if (!Number.isSafeInteger(o[name]) || o[name] <= 0)
        throw new Error(`${name} must be a positive integer`);
    }
    if (o.publishAheadMs <= VERIFIER_JWKS_CACHE_MS) {
      throw new Error(
        `publishAheadMs must exceed the verifiers' JWKS cache (${VERIFIER_JWKS_CACHE_MS} ms), or a verifier could meet a token before the key that signed it`,
      );
    }
    if (o.publishAheadMs >= o.rotationPeriodMs)
      throw new Error('publishAheadMs must be shorter than rotationPeriodMs');
    if (o.retirementMarginMs < o.reloadIntervalMs) {
      throw new Error(
        'retirementMarginMs must be at least reloadIntervalMs, or a lagging replica could sign with an unpublished key',
      );
    }
    this.issuer = o.issuer;
    this.ttlSeconds = o.accessTokenTtlSeconds;
    this.rotationMs = o.rotationPeriodMs;
    this.publishAheadMs = o.publishAheadMs;
    this.keepRetiredMs = o.accessTokenTtlSeconds * 1000 + o.retirementMarginMs;
    this.reloadMs = o.reloadIntervalMs;
  }

  async sign(claims: {
    accountId: string;
    sessionId: string;
    orgId: string | null;
    roles: readonly RoleName[];
    amr: readonly string[];
  }): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock.now();
    const key = signingKeyAt(await this.keyRing(now), now);
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const payload: JWTPayload = { sid: claims.sessionId, roles: [...claims.roles], amr: [...claims.amr] };
    if (claims.orgId !== null) payload['org'] = claims.orgId;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.record.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(claims.accountId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomBytes(16).toString('base64url'))
      .sign(key.privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The current key, a pre-published next key and retired keys whose tokens may still be valid. */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const now = this.clock.now();
    // Makes sure a key exists, the next one is published when due, and expired ones are gone.
    await this.keyRing(now);
    const keys = await this.store.published(new Date(now.getTime() - this.keepRetiredMs));
    return {
      keys: keys.map(({ kid, publicJwk }) => ({
        kty: publicJwk.kty,
        crv: publicJwk.crv,
        x: publicJwk.x,
        y: publicJwk.y,
        kid,
        alg: ACCESS_TOKEN_ALGORITHM,
        use: 'sig',
      })),
    };
  }

  private async keyRing(now: Date): Promise<KeyRing> {
    const cached = this.ring;
    const age = cached ? now.getTime() - cached.loadedAt : Infinity;
    if (cached && age >= 0 && age < this.reloadMs && !this.nextIsDue(newestOf(cached), now)) return cached;
    // One settle at a time per replica, so a burst of sign calls generates at most one key.
    this.settling ??= this.settle(now).finally(() => {
      this.settling = null;
    });
    return this.settling;
  }

  private async settle(now: Date): Promise<KeyRing> {
    let records = await this.store.newest(2);
    const top = records[0] ?? null;
    if (this.nextIsDue(top, now)) {
      // The first key signs at once: no verifier can have cached a set without it, as there was none.
      const activatedAt = top
        ? new Date(Math.max(top.activatedAt.getTime() + this.rotationMs, now.getTime() + this.publishAheadMs))
        : now;
      // false: another replica inserted this generation first; the reload below picks up its key.
      await this.store.insertNext(await generateSigningKey((top?.generation ?? 0) + 1, activatedAt), now);
      records = await this.store.newest(2);
    }
    // None active yet happens only to the first key, seen by a replica whose clock lags its creator's.
    const current = records.find((r) => r.activatedAt <= now) ?? records.at(-1);
    if (!current) throw new Error('signing key store has no key after a rotation');
    const newest = records[0];
    const upcoming = newest && newest !== current && newest.activatedAt > now ? newest : null;
    await this.store.deleteRetiredBefore(new Date(now.getTime() - this.keepRetiredMs));
    this.ring = {
      current: await this.load(current),
      next: upcoming ? await this.load(upcoming) : null,
      loadedAt: now.getTime(),
    };
    return this.ring;
  }

  /** Reuses the imported private key when the replica already holds it. */
  private async load(record: SigningKeyRecord): Promise<LoadedKey> {
    const held = [this.ring?.current, this.ring?.next].find((k) => k?.record.kid === record.kid);
    if (held) return { record, privateKey: held.privateKey };
    return { record, privateKey: (await importJWK(record.privateJwk, ACCESS_TOKEN_ALGORITHM)) as KeyLike };
  }

  /**
   * Whether the next key must be created now: there is no key yet, or the newest key already signs
   * and will have signed for `rotationPeriodMs` within `publishAheadMs`.
   */
  private nextIsDue(newest: SigningKeyRecord | null, now: Date): boolean {
    if (!newest) return true;
    const activated = newest.activatedAt.getTime();
    return activated <= now.getTime() && now.getTime() >= activated + this.rotationMs - this.publishAheadMs;
  }
}

/** The key that signs at `now`: the next one once its activation time has come. */
function signingKeyAt(ring: KeyRing, now: Date): LoadedKey {
  return ring.next && ring.next.record.activatedAt <= now ? ring.next : ring.current;
}

function newestOf(ring: KeyRing): SigningKeyRecord {
  return (ring.next ?? ring.current).record;
}

/** A fresh ES256 key pair taking over at `activatedAt`, its kid the RFC 7638 SHA-256 thumbprint of the public key. */
async function generateSigningKey(generation: number, activatedAt: Date): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, generation, publicJwk, privateJwk, activatedAt };
}
