import { type Caller, RpcErrorCode } from '@ferry/contracts';
import { type ControlCaller, controlCaller } from '@ferry/migration/application';
import { type AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { RpcException } from '@ferry/platform/messaging';
import type { Permission } from '@ferry/platform/rbac';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in caller of a control-plane RPC. The gateway checked the token too; the migration
 * service trusts only what identity signed, so it verifies it again, with the permission, in the
 * named organisation (another organisation is NOT_FOUND). The token stays in the caller only to ask
 * the connectors service on its behalf.
 */
export async function migrationCaller(
  verifier: AccessTokenVerifier,
  orgId: string,
  caller: Caller | undefined,
  permission: Permission,
): Promise<ControlCaller> {
  if (!UUID.test(orgId))
    throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid organisation', [
      { field: 'org_id', reason: 'must be a UUID' },
    ]);
  const token = caller?.accessToken ?? '';
  const claims = await authorizeCall(verifier, token, permission, orgId.toLowerCase());
  return controlCaller({
    accountId: claims.accountId,
    sourceAddress: caller?.sourceAddress ?? '',
    userAgent: caller?.userAgent ?? '',
    accessToken: token,
  });
}
