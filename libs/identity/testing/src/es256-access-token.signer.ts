import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { AccessTokenSigner } from '@ferry/identity/application';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_TYPE,
  type RoleName,
} from '@ferry/platform/rbac';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** What the signer was asked to sign, for assertions. */
export interface SignedClaims {
  readonly accountId: string;
  readonly sessionId: string;
  readonly orgId: string | null;
  readonly roles: readonly RoleName[];
  readonly amr: readonly string[];
}

/**
 * An AccessTokenSigner that signs real ES256 access tokens (header `kid`, `typ: at+jwt`) with a key
 * generated on first use, and publishes its JWKS. Takes its time from `now` so it follows a test clock.
 */
export class TestAccessTokenSigner implements AccessTokenSigner {
  readonly signed: SignedClaims[] = [];
  readonly kid = `test-${randomUUID()}`;
  private keys: Promise<KeyPair> | undefined;

  constructor(private readonly options: { issuer?: string; ttlMs?: number; now?: () => Date } = {}) {}

  get issuer(): string {
    return this.options.issuer ?? 'urn:ferry:identity';
  }

  async sign(claims: SignedClaims): Promise<{ token: string; expiresAt: Date }> {
    const { privateKey } = await this.keyPair();
    const now = this.options.now?.() ?? new Date();
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + Math.floor((this.options.ttlMs ?? 5 * 60_000) / 1000);
    this.signed.push({ ...claims, roles: [...claims.roles], amr: [...claims.amr] });
    const token = await new SignJWT({
      sid: claims.sessionId,
      ...(claims.orgId ? { org: claims.orgId } : {}),
      roles: [...claims.roles],
      amr: [...claims.amr],
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: this.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(claims.accountId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const { publicKey } = await this.keyPair();
    const jwk = await exportJWK(publicKey);
    return { keys: [{ ...jwk, kid: this.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }] };
  }

  /** Verifies a token against this signer's JWKS (issuer, audience, algorithm, type) and returns its claims. */
  async verify(token: string, at?: Date): Promise<JWTPayload> {
    const keySet = createLocalJWKSet((await this.jwks()) as unknown as JSONWebKeySet);
    const currentDate = at ?? this.options.now?.() ?? new Date();
    const { payload } = await jwtVerify(token, keySet, {
      issuer: this.issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      currentDate,
    });
    return payload;
  }

  private keyPair(): Promise<KeyPair> {
    this.keys ??= generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    return this.keys;
  }
}
