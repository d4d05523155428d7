import type { Account } from '@ferry/identity/domain';
import type { AccessClaims } from '@ferry/platform/rbac';
import { NotFoundError } from './identity.errors';
import type { AccountRepository } from './identity.ports';

/**
 * The organisation a request may act on: the one it names, only if it is the caller's own. Any other
 * organisation (or a platform account, which has none) looks like a missing one: tenant isolation.
 */
export function scopedOrgId(caller: AccessClaims, requestedOrgId: string): string {
  const own = caller.orgId?.toLowerCase() ?? null;
  if (own === null || own !== requestedOrgId.toLowerCase()) throw new NotFoundError('organisation');
  return own;
}

/**
 * The account an admin request names, looked up only within the caller's own organisation; an
 * account elsewhere is NotFoundError, like a missing one.
 */
export async function findAccountInScope(
  accounts: AccountRepository,
  request: { caller: AccessClaims; orgId: string; accountId: string },
): Promise<{ orgId: string; account: Account }> {
  const orgId = scopedOrgId(request.caller, request.orgId);
  const account = await accounts.findById(orgId, request.accountId);
  if (!account) throw new NotFoundError('account');
  return { orgId, account };
}
