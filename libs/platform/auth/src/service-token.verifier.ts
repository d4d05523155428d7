import type { KeyObject } from 'node:crypto';
import {
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import {
  SERVICE_NAME_PATTERN,
  SERVICE_TOKEN_ALGORITHM,
  SERVICE_TOKEN_LIFETIME_SECONDS,
  SERVICE_TOKEN_TYPE,
  isServiceName,
  serviceOfPrincipal,
  servicePrincipal,
} from './service-identity';
import { ServiceKeyError, ServiceTokenError, type ServiceTokenReason } from './service-identity.errors';
import { serviceKeyId, servicePublicKey } from './service-key.parser';
import { type VerifiedServiceToken, VerifiedServiceTokenCache } from './service-token.cache';

/** Ferry's tokens are ~400 bytes; anything this long is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 4 * 1024;
/** A JWK thumbprint is 43 characters; a longer `kid` cannot name a trusted key. */
const MAX_KID_LENGTH = 64;
const MAX_JTI_LENGTH = 128;
/** Header parameters a service token may carry; `crit`, `jku`, `x5u`, `b64` and the rest are refused. */
const HEADER_PARAMETERS = new Set(['alg', 'typ', 'kid']);

/** Whom the verifier accepts tokens from, and how strictly it reads the clock. */
export interface ServiceTokenVerifierOptions {
  /** The principal tokens must be addressed to: this service's, e.g. `svc:connectors`. */
  readonly audience: string;
  /**
   * The public keys trusted per service name; several per service while a key is being rotated
   * (see `loadTrustedServiceKeys`). A key may be trusted for one service only.
   */
  readonly trusted: ReadonlyMap<string, readonly KeyObject[]>;
  /** The current time; tests set it. */
  readonly now?: () => Date;
  /** Allowed clock skew for `exp`, `nbf`, `iat` and the lifetime, in seconds (0-60). Default 30. */
  readonly clockToleranceSeconds?: number;
  /** How many verified tokens to remember until they expire. Default 1000; 0 turns the cache off. */
  readonly maxCachedTokens?: number;
}

interface TrustedKey {
  readonly service: string;
  readonly key: KeyObject;
}

/**
 * Verifies service tokens (see `ServiceTokenSigner`): compact JWS, ES256 only, `typ` ferry-svc+jwt,
 * no header parameters besides `alg`/`typ`/`kid`, a `kid` that is the thumbprint of a trusted key,
 * `iss` = `sub` = `svc:<the service that key is trusted for>`, `aud` exactly this service, `exp`/`nbf`/`iat`
 * within the clock tolerance and a lifetime of at most 5 minutes (plus tolerance). Verified tokens
 * are cached until they expire; a cached token's expiry is still checked on every use.
 */
export class ServiceTokenVerifier {
  private readonly audience: string;
  private readonly keys: ReadonlyMap<string, TrustedKey>;
  private readonly now: () => Date;
  private readonly tolerance: number;
  private readonly cache: VerifiedServiceTokenCache;

  /** @throws ServiceKeyError for an unusable trust set; Error for a bad audience or option. */
  constructor(options: ServiceTokenVerifierOptions) {
    if (serviceOfPrincipal(options.audience) === undefined) {
      throw new Error('a service token verifier audience must be svc:<service name>, e.g. svc:connectors');
    }
    const tolerance = options.clockToleranceSeconds ?? 30;
    if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 60) {
      throw new Error('clockToleranceSeconds must be an integer 0-60');
    }
    this.audience = options.audience;
    this.keys = indexTrustedKeys(options.trusted);
    this.now = options.now ?? (() => new Date());
    this.tolerance = tolerance;
    this.cache = new VerifiedServiceTokenCache(options.maxCachedTokens ?? 1000);
  }

  /**
   * @returns the calling service, the token id and when the token expires, once every check passed.
   * @throws ServiceTokenError with the reason the token was refused (never the token itself).
   */
  async verify(token: string): Promise<VerifiedServiceToken> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
      throw new ServiceTokenError('malformed');
    }
    const now = this.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const cached = this.cache.get(token, nowSeconds, this.tolerance);
    if (cached === 'expired') throw new ServiceTokenError('expired');
    if (cached) return cached;

    const { service, key } = this.trustedKeyFor(token);
    const principal = servicePrincipal(service);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [SERVICE_TOKEN_ALGORITHM],
        typ: SERVICE_TOKEN_TYPE,
        issuer: principal,
        subject: principal,
        audience: this.audience,
        clockTolerance: this.tolerance,
        currentDate: now,
        requiredClaims: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti'],
      }));
    } catch (error) {
      // A fresh error without the cause: jose's claim errors hold the decoded payload.
      if (error instanceof errors.JOSEError) throw new ServiceTokenError(reasonFor(error));
      throw error;
    }
    const { exp, jti } = checkClaims(payload, this.audience, nowSeconds, this.tolerance);
    this.cache.set(token, service, jti, exp);
    return { service, tokenId: jti, expiresAt: new Date(exp * 1000) };
  }

  /** How many verified tokens are remembered now (for metrics and tests). */
  get cachedTokens(): number {
    return this.cache.size;
  }

  /** Checks the protected header before any key is used; returns the trusted key its `kid` names. */
  private trustedKeyFor(token: string): TrustedKey {
    if (token.split('.').length !== 3) throw new ServiceTokenError('malformed');
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new ServiceTokenError('malformed');
    }
    if (header.alg !== SERVICE_TOKEN_ALGORITHM) throw new ServiceTokenError('algorithm');
    if (header.typ !== SERVICE_TOKEN_TYPE) throw new ServiceTokenError('type');
    if (Object.keys(header).some((name) => !HEADER_PARAMETERS.has(name)))
      throw new ServiceTokenError('malformed');
    const { kid } = header;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
      throw new ServiceTokenError('malformed');
    }
    const trusted = this.keys.get(kid);
    if (!trusted) throw new ServiceTokenError('unknown-key');
    return trusted;
  }
}

/** The checks jose leaves to us: a single audience, `iat` not ahead of the clock, the lifetime cap, `jti`'s shape. */
function checkClaims(
  payload: JWTPayload,
  audience: string,
  nowSeconds: number,
  tolerance: number,
): { exp: number; jti: string } {
  // An array `aud` would let one token be replayed at every service it lists.
  if (payload.aud !== audience) throw new ServiceTokenError('audience');
  const { exp, iat, jti } = payload;
  if (typeof exp !== 'number' || typeof iat !== 'number') throw new ServiceTokenError('claims');
  if (iat > nowSeconds + tolerance) throw new ServiceTokenError('not-yet-valid');
  if (exp - iat > SERVICE_TOKEN_LIFETIME_SECONDS + tolerance) throw new ServiceTokenError('lifetime');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw new ServiceTokenError('claims');
  }
  return { exp, jti };
}

/** kid (thumbprint) -> the key and the one service it speaks for. */
function indexTrustedKeys(trusted: ReadonlyMap<string, readonly KeyObject[]>): Map<string, TrustedKey> {
  const index = new Map<string, TrustedKey>();
  for (const [service, keys] of trusted) {
    if (!isServiceName(service)) {
      throw new ServiceKeyError(`trusted service names must match ${SERVICE_NAME_PATTERN.source}`);
    }
    if (keys.length === 0) throw new ServiceKeyError(`service ${service} is listed with no trusted key`);
    for (const [position, candidate] of keys.entries()) {
      const key = servicePublicKey(candidate, `trusted key ${position + 1} of service ${service}`);
      const kid = serviceKeyId(key);
      const holder = index.get(kid);
      if (holder && holder.service !== service) {
        // Otherwise whoever holds the private key could act as either service.
        throw new ServiceKeyError(
          `one public key is trusted for both ${holder.service} and ${service}; give each service its own key`,
        );
      }
      index.set(kid, { service, key });
    }
  }
  if (index.size === 0) throw new ServiceKeyError('the service token verifier trusts no service');
  return index;
}

function reasonFor(error: errors.JOSEError): ServiceTokenReason {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
      case 'sub':
        return error.reason === 'missing' ? 'claims' : 'issuer';
      case 'aud':
        return error.reason === 'missing' ? 'claims' : 'audience';
      case 'typ':
        return 'type';
      case 'nbf':
        return error.reason === 'check_failed' ? 'not-yet-valid' : 'claims';
      default:
        return 'claims';
    }
  }
  return 'malformed';
}
