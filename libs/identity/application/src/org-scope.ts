import type { AccessClaims } from '@ferry/platform/rbac';
import { NotFoundError } from './identity.errors';

/**
 * The organisation a request may act on: the one it names, only if it is the caller's own. Any other
 * organisation (or a platform account, which has none) looks like a missing one: tenant isolation.
 */
export function scopedOrgId(caller: AccessClaims, requestedOrgId: string): string {
  const own = caller.orgId?.toLowerCase() ?? null;
  if (own === null || own !== requestedOrgId.toLowerCase()) throw new NotFoundError('organisation');
  return own;
}
