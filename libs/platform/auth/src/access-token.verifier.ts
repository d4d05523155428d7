import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_TYPE,
  type AccessClaims,
} from '@ferry/platform/rbac';
import { decodeProtectedHeader, errors, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import { parseAccessClaims } from './access-claims.parser';
import { InvalidTokenError, type InvalidTokenReason } from './errors';
import type { JwksSource } from './jwks-source';

/** A compact JWS this long is not one of ours (identity's are ~600 bytes); refuse before parsing. */
const MAX_TOKEN_LENGTH = 8 * 1024;
const MAX_KID_LENGTH = 128;

/** How tokens are checked besides the fixed algorithm, type and audience. */
export interface AccessTokenVerifierOptions {
  /** The `iss` identity signs with (FERRY_IDENTITY_ISSUER). */
  readonly issuer: string;
  /** Allowed clock skew for `exp` and `nbf`, in seconds. Default 30. */
  readonly clockToleranceSeconds?: number;
  /** The current time; tests set it. */
  readonly now?: () => Date;
}

/**
 * Verifies identity's access tokens: compact JWS, ES256 only (so `none`, HMAC with a public key as
 * the secret, RSA and every other algorithm are refused before any key is used), `typ` at+jwt, a
 * `kid` the key source knows, issuer, audience `ferry-api`, `exp`/`nbf` within the clock tolerance,
 * and the claim shapes Ferry relies on.
 */
export class AccessTokenVerifier {
  private readonly clockTolerance: number;

  constructor(
    private readonly keys: JwksSource,
    private readonly options: AccessTokenVerifierOptions,
  ) {
    if (!options.issuer) throw new Error('AccessTokenVerifier needs an issuer');
    this.clockTolerance = options.clockToleranceSeconds ?? 30;
  }

  /**
   * @returns the token's claims once every check passed.
   * @throws InvalidTokenError with the reason the token was refused.
   * @throws KeySourceUnavailableError when the signing keys cannot be obtained.
   */
  async verify(token: string): Promise<AccessClaims> {
    const kid = checkHeader(token);
    const key = await this.keys.getKey(kid);
    if (key === null) throw new InvalidTokenError('unknown-key');
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: ACCESS_TOKEN_AUDIENCE,
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp', 'sub', 'jti'],
        ...(this.options.now ? { currentDate: this.options.now() } : {}),
      });
      return parseAccessClaims(payload);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      // A fresh error without the cause: jose's claim errors hold the decoded payload.
      if (err instanceof errors.JOSEError) throw new InvalidTokenError(reasonFor(err));
      throw err;
    }
  }
}

/** Checks the protected header before any key is looked up; returns the `kid`. */
function checkHeader(token: string): string {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
    throw new InvalidTokenError('malformed');
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new InvalidTokenError('malformed');
  }
  if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw new InvalidTokenError('algorithm');
  if (typeof header.typ !== 'string' || normaliseType(header.typ) !== ACCESS_TOKEN_TYPE)
    throw new InvalidTokenError('malformed');
  const { kid } = header;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)
    throw new InvalidTokenError('malformed');
  return kid;
}

/** RFC 7515 4.1.9: `typ` is a media type whose `application/` prefix may be left out; case-insensitive. */
function normaliseType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function reasonFor(err: errors.JOSEError): InvalidTokenReason {
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return 'issuer';
      case 'aud':
        return 'audience';
      case 'nbf':
      case 'iat':
        return err.reason === 'check_failed' ? 'expired' : 'claims';
      case 'typ':
        return 'malformed';
      default:
        return 'claims';
    }
  }
  return 'malformed';
}
