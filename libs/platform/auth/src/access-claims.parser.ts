import { type AccessClaims, isRoleName, type RoleName } from '@ferry/platform/rbac';
import type { JWTPayload } from 'jose';
import { InvalidTokenError } from './errors';
import { isUuid } from './org-scope';

const MAX_ID_LENGTH = 128;
const MAX_LIST_LENGTH = 32;

/**
 * Reads the claims of a token whose signature, issuer, audience and times were already checked.
 * Unknown role names are dropped (a newer identity may know more roles; they grant nothing here),
 * but a token naming only unknown roles is refused: it was not issued for this installation's catalogue.
 * @throws InvalidTokenError `claims` when a required claim is missing or has the wrong shape.
 */
export function parseAccessClaims(payload: JWTPayload): AccessClaims {
  const accountId = identifier(payload.sub);
  const sessionId = identifier(payload['sid']);
  const tokenId = identifier(payload.jti);
  const roles = stringList(payload['roles']);
  const amr = stringList(payload['amr']);
  const org = payload['org'];
  if (org !== undefined && (typeof org !== 'string' || !isUuid(org))) throw new InvalidTokenError('claims');
  if (typeof payload.exp !== 'number') throw new InvalidTokenError('claims');
  const known = roles.filter((role): role is RoleName => isRoleName(role));
  if (roles.length > 0 && known.length === 0) throw new InvalidTokenError('claims');
  return {
    accountId,
    sessionId,
    orgId: org === undefined ? null : org.toLowerCase(),
    roles: [...new Set(known)],
    amr,
    expiresAt: new Date(payload.exp * 1000),
    tokenId,
  };
}

function identifier(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH)
    throw new InvalidTokenError('claims');
  return value;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_LIST_LENGTH || !value.every((v) => typeof v === 'string')) {
    throw new InvalidTokenError('claims');
  }
  return value;
}
