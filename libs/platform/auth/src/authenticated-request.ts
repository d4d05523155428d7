import type { AccessClaims } from '@ferry/platform/rbac';

/** Where the AccessGuard leaves what it verified; a symbol, so no header or body field can collide. */
export const AUTHENTICATION = Symbol('ferry.authentication');

export interface Authentication {
  readonly claims: AccessClaims;
  /** The raw bearer token, for forwarding to services; never logged. */
  readonly token: string;
}

export interface AuthenticatedRequest {
  [AUTHENTICATION]?: Authentication;
}

/**
 * The claims the AccessGuard verified on this request, or null when it verified none (a public
 * route, a missing or refused token). For code that runs around the guard, e.g. an access log.
 */
export function verifiedClaims(request: object): AccessClaims | null {
  return (request as AuthenticatedRequest)[AUTHENTICATION]?.claims ?? null;
}

/** `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 token68 characters) or null. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1] ?? null;
}
