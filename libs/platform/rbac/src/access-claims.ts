import type { RoleName } from './roles';

/** The audience of every Ferry access token. */
export const ACCESS_TOKEN_AUDIENCE = 'ferry-api';
/** The JOSE `typ` of an access token (RFC 9068); anything else is not an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The only signature algorithm Ferry issues and accepts. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';

/**
 * What a verified access token says. On the wire (JWT claims): `sub` account id, `sid` session id,
 * `org` organisation id (absent for platform accounts), `roles`, `amr` (`pwd`, `otp`, `fed`),
 * `iss`, `aud` = ferry-api, `iat`, `nbf`, `exp`, `jti`.
 */
export interface AccessClaims {
  readonly accountId: string;
  readonly sessionId: string;
  /** null for platform accounts, which belong to no organisation. */
  readonly orgId: string | null;
  readonly roles: readonly RoleName[];
  readonly amr: readonly string[];
  readonly expiresAt: Date;
  readonly tokenId: string;
}
