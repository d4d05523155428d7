import { type CallerInfo, callerInfo } from '@ferry/connectors/application';
import { type RequestContext, RpcErrorCode } from '@ferry/contracts';
import { type AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { RpcException } from '@ferry/platform/messaging';
import type { Permission } from '@ferry/platform/rbac';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in caller of an administration RPC. The gateway checked the token too; a service trusts
 * only what identity signed, so it verifies it again, with the permission, in the named organisation.
 */
export async function rpcCaller(verifier: AccessTokenVerifier, orgId: string, context: RequestContext | undefined, permission: Permission): Promise<CallerInfo> {
  if (!UUID.test(orgId)) throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid organisation', [{ field: 'org_id', reason: 'must be a UUID' }]);
  const claims = await authorizeCall(verifier, context?.accessToken ?? '', permission, orgId.toLowerCase());
  return callerInfo({ accountId: claims.accountId, sourceAddress: context?.sourceAddress ?? '', userAgent: context?.userAgent ?? '' });
}
