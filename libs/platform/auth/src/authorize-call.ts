import { RpcErrorCode } from '@ferry/contracts';
import { RpcException } from '@ferry/platform/messaging';
import { type AccessClaims, grants, type Permission } from '@ferry/platform/rbac';
import type { AccessTokenVerifier } from './access-token.verifier';
import { InvalidTokenError, KeySourceUnavailableError } from './errors';
import { isPlatformPermission, sameOrg } from './org-scope';

/**
 * Verifies the caller's token (`Caller.access_token`) for an RPC any signed-in account may make
 * (e.g. sign-out), with no permission or organisation to check.
 * @throws RpcException UNAUTHENTICATED (no or invalid token), UNAVAILABLE (signing keys unobtainable).
 */
export async function authenticateCall(verifier: AccessTokenVerifier, accessToken: string): Promise<AccessClaims> {
  if (!accessToken) throw new RpcException(RpcErrorCode.UNAUTHENTICATED, 'access token required');
  try {
    return await verifier.verify(accessToken);
  } catch (err) {
    if (err instanceof InvalidTokenError)
      throw new RpcException(RpcErrorCode.UNAUTHENTICATED, 'invalid or expired access token');
    if (err instanceof KeySourceUnavailableError)
      throw new RpcException(RpcErrorCode.UNAVAILABLE, 'cannot verify access tokens right now');
    throw err;
  }
}

/**
 * The RPC-handler counterpart of AccessGuard: verifies the caller's token (`Caller.access_token`)
 * and checks that it grants `permission` within `orgId`.
 * @param orgId the organisation the request is about; null when it names none (the handler then
 *   scopes by the returned claims' orgId). Ignored for `platform.*` permissions.
 * @returns the verified claims.
 * @throws RpcException UNAUTHENTICATED (no or invalid token), NOT_FOUND (token of another
 *   organisation: its objects do not exist for the caller), PERMISSION_DENIED (role lacks the
 *   permission), UNAVAILABLE (signing keys unobtainable).
 */
export async function authorizeCall(
  verifier: AccessTokenVerifier,
  accessToken: string,
  permission: Permission,
  orgId: string | null,
): Promise<AccessClaims> {
  const claims = await authenticateCall(verifier, accessToken);
  if (orgId !== null && !isPlatformPermission(permission) && !sameOrg(claims.orgId, orgId)) {
    throw new RpcException(RpcErrorCode.NOT_FOUND, 'not found');
  }
  if (!grants(claims.roles, permission))
    throw new RpcException(RpcErrorCode.PERMISSION_DENIED, `missing permission ${permission}`);
  return claims;
}
