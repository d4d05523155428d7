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

/** Configuration of {@link JoseAccessTokenSigner}; everything but the issuer has a default. */
export interface JoseAccessTokenSignerOptions {
  /** `iss` of every token (FERRY_IDENTITY_ISSUER). */
  readonly issuer: string;
  /** Access-token lifetime; default 300 s. */
  readonly accessTokenTtlSeconds?: number;
  /** How long a key signs before the next one takes over; default 30 days. */
  readonly rotationPeriodMs?: number;
  /** How long a retired key stays published beyond the access-token lifetime; default 5 min. */
  readonly retirementMarginMs?: number;
  /** How often a replica re-reads the current key (to follow another replica's rotation); default 60 s. */
  readonly reloadIntervalMs?: number;
}

export const ACCESS_TOKEN_SIGNER_DEFAULTS = {
  accessTokenTtlSeconds: 300,
  rotationPeriodMs: 30 * 24 * 60 * 60 * 1000,
  retirementMarginMs: 5 * 60 * 1000,
  reloadIntervalMs: 60 * 1000,
} as const;

interface ActiveKey {
  readonly record: SigningKeyRecord;
  readonly privateKey: KeyLike;
  readonly loadedAt: number;
}

/**
 * Signs ES256 access tokens (RFC 9068 `at+jwt`) with the current key of a shared key store and
 * rotates it after `rotationPeriodMs`. A retired key stays in the JWKS until every token it may
 * have signed has expired (TTL + margin, the margin covering a replica that has not reloaded yet),
 * then it is deleted. Replicas agree on the current key through the store's unique generation.
 */
export class JoseAccessTokenSigner implements AccessTokenSigner {
  private readonly issuer: string;
  private readonly ttlSeconds: number;
  private readonly rotationMs: number;
  private readonly keepRetiredMs: number;
  private readonly reloadMs: number;
  private active: ActiveKey | null = null;
  private settling: Promise<ActiveKey> | null = null;

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
      'retirementMarginMs',
      'reloadIntervalMs',
    ] as const) {
      if (!Number.isSafeInteger(o[name]) || o[name] <= 0)
        throw new Error(`${name} must be a positive integer`);
    }
    if (o.retirementMarginMs < o.reloadIntervalMs) {
      throw new Error(
        'retirementMarginMs must be at least reloadIntervalMs, or a lagging replica could sign with an unpublished key',
      );
    }
    this.issuer = o.issuer;
    this.ttlSeconds = o.accessTokenTtlSeconds;
    this.rotationMs = o.rotationPeriodMs;
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
    const key = await this.currentKey(now);
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

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const now = this.clock.now();
    // Makes sure a key exists (and expired ones are gone) before publishing.
    await this.currentKey(now);
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

  private async currentKey(now: Date): Promise<ActiveKey> {
    const cached = this.active;
    const age = cached ? now.getTime() - cached.loadedAt : Infinity;
    if (cached && age >= 0 && age < this.reloadMs && !this.isDue(cached.record, now)) return cached;
    // One settle at a time per replica, so a burst of sign calls generates at most one key.
    this.settling ??= this.settle(now).finally(() => {
      this.settling = null;
    });
    return this.settling;
  }

  private async settle(now: Date): Promise<ActiveKey> {
    let latest = await this.store.latest();
    if (!latest || this.isDue(latest, now)) {
      const next = await generateSigningKey((latest?.generation ?? 0) + 1, now);
      latest = (await this.store.insertNext(next, now)) ? next : await this.store.latest();
      if (!latest) throw new Error('signing key store has no key after a rotation');
    }
    await this.store.deleteRetiredBefore(new Date(now.getTime() - this.keepRetiredMs));
    const privateKey =
      this.active?.record.kid === latest.kid
        ? this.active.privateKey
        : ((await importJWK(latest.privateJwk, ACCESS_TOKEN_ALGORITHM)) as KeyLike);
    this.active = { record: latest, privateKey, loadedAt: now.getTime() };
    return this.active;
  }

  private isDue(record: SigningKeyRecord, now: Date): boolean {
    return now.getTime() - record.activatedAt.getTime() >= this.rotationMs;
  }
}

/** A fresh ES256 key pair, its kid the RFC 7638 SHA-256 thumbprint of the public key. */
async function generateSigningKey(generation: number, now: Date): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, generation, publicJwk, privateJwk, activatedAt: now };
}
