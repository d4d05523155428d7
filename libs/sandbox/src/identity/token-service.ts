import { createHash, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT, errors as joseErrors, exportJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Clock } from './clock';
import type { GooglePrincipal, MicrosoftPrincipal } from './principal';

/** Microsoft Graph's resource id and application id URI: the `aud` of Graph access tokens. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
/** Entra issues access tokens for one hour by default (60-90 minutes, randomised in the real service). */
export const TOKEN_LIFETIME_S = 3600;

export type TokenProblem = 'missing' | 'invalid' | 'expired';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const generateRsa = promisify(generateKeyPair);

async function rsaSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 27);
  return { kid, privateKey, publicKey };
}

interface GoogleTokenRecord extends GooglePrincipal {
  readonly expiresAt: number;
}

/**
 * Signs and checks the sandbox's tokens. Entra access and ID tokens are RS256 JWTs whose keys the
 * JWKS endpoints publish (as Entra's are); Google access tokens are opaque (`ya29.`-prefixed, as
 * Google's are) and looked up here; Google ID tokens are JWTs with their own key.
 */
export class TokenService {
  private readonly entraKey: SigningKey;
  private readonly googleKey: SigningKey;
  private readonly googleTokens = new Map<string, GoogleTokenRecord>();
  private readonly refreshTokens = new Map<string, { principal: MicrosoftPrincipal | GooglePrincipal; expiresAt: number }>();

  private constructor(
    private readonly clock: Clock,
    private readonly issuerBase: () => string,
    keys: readonly [SigningKey, SigningKey],
  ) {
    [this.entraKey, this.googleKey] = keys;
  }

  /** Generates both signing keys off the main thread, in parallel (RSA generation dominates start-up). */
  static async create(clock: Clock, issuerBase: () => string): Promise<TokenService> {
    const keys = await Promise.all([rsaSigningKey(), rsaSigningKey()]);
    return new TokenService(clock, issuerBase, keys);
  }

  entraIssuer(tenantId: string): string {
    return `${this.issuerBase()}/${tenantId}/v2.0`;
  }

  /**
   * Google ID tokens carry Google's real issuer (clients such as google-auth-library accept no
   * other); they still cannot pass for real ones, since only the sandbox's JWKS verifies them.
   */
  googleIssuer(): string {
    return 'https://accounts.google.com';
  }

  async microsoftAccessToken(p: MicrosoftPrincipal, lifetimeS = TOKEN_LIFETIME_S): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: JWTPayload & Record<string, unknown> = {
      aud: GRAPH_AUDIENCE,
      iss: `${this.issuerBase()}/${p.tenantId}/`,
      tid: p.tenantId,
      appid: p.appId,
      azp: p.appId,
      ver: '1.0',
      uti: randomBytes(16).toString('base64url'),
    };
    if (p.roles.length > 0) claims['roles'] = [...p.roles];
    if (p.scopes.length > 0) claims['scp'] = p.scopes.join(' ');
    if (p.userId) {
      claims['oid'] = p.userId;
      claims.sub = p.userId;
    } else {
      claims.sub = p.appId;
      claims['idtyp'] = 'app';
    }
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.entraKey.kid })
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + lifetimeS)
      .sign(this.entraKey.privateKey);
    return { token, expiresIn: lifetimeS };
  }

  async verifyMicrosoft(authorization: string | undefined): Promise<MicrosoftPrincipal | TokenProblem> {
    const token = bearer(authorization);
    if (!token) return 'missing';
    try {
      const { payload } = await jwtVerify(token, this.entraKey.publicKey, {
        audience: GRAPH_AUDIENCE,
        currentDate: this.clock.date(),
        algorithms: ['RS256'],
      });
      const roles = Array.isArray(payload['roles']) ? (payload['roles'] as unknown[]).map(String) : [];
      const scp = typeof payload['scp'] === 'string' ? payload['scp'].split(' ').filter(Boolean) : [];
      return {
        kind: 'microsoft',
        tenantId: String(payload['tid']),
        appId: String(payload['appid']),
        roles,
        scopes: scp,
        ...(typeof payload['oid'] === 'string' ? { userId: payload['oid'] } : {}),
      };
    } catch (e) {
      return e instanceof joseErrors.JWTExpired ? 'expired' : 'invalid';
    }
  }

  async entraIdToken(tenantId: string, audience: string, claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ ...claims, tid: tenantId, ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.entraKey.kid })
      .setIssuer(this.entraIssuer(tenantId))
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + TOKEN_LIFETIME_S)
      .sign(this.entraKey.privateKey);
  }

  async googleIdToken(audience: string, claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.googleKey.kid })
      .setIssuer(this.googleIssuer())
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_LIFETIME_S)
      .sign(this.googleKey.privateKey);
  }

  googleAccessToken(p: GooglePrincipal, lifetimeS = TOKEN_LIFETIME_S): { token: string; expiresIn: number } {
    const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
    this.googleTokens.set(token, { ...p, expiresAt: this.clock.now() + lifetimeS * 1000 });
    return { token, expiresIn: lifetimeS };
  }

  verifyGoogle(authorization: string | undefined): GooglePrincipal | TokenProblem {
    const token = bearer(authorization);
    if (!token) return 'missing';
    const record = this.googleTokens.get(token);
    if (!record) return 'invalid';
    if (record.expiresAt <= this.clock.now()) return 'expired';
    const { expiresAt: _e, ...principal } = record;
    return principal;
  }

  /** Opaque refresh tokens for the authorization-code flows (90 days, as both clouds default to). */
  refreshToken(principal: MicrosoftPrincipal | GooglePrincipal): string {
    const token = `sandbox-rt.${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(token, { principal, expiresAt: this.clock.now() + 90 * 86_400_000 });
    return token;
  }

  redeemRefreshToken(token: string): MicrosoftPrincipal | GooglePrincipal | undefined {
    const record = this.refreshTokens.get(token);
    if (!record || record.expiresAt <= this.clock.now()) return undefined;
    return record.principal;
  }

  revokeGoogle(token: string): boolean {
    return this.googleTokens.delete(token) || this.refreshTokens.delete(token);
  }

  /** Google's v1 `certs` format: kid -> PEM (a public key here; Google serves certificates). */
  googlePemKeys(): Record<string, string> {
    return { [this.googleKey.kid]: this.googleKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }

  async jwks(which: 'entra' | 'google'): Promise<{ keys: JWK[] }> {
    const key = which === 'entra' ? this.entraKey : this.googleKey;
    const jwk = await exportJWK(key.publicKey);
    return { keys: [{ ...jwk, kid: key.kid, use: 'sig', alg: 'RS256' }] };
  }
}

function bearer(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return m?.[1];
}
