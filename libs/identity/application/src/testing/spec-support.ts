import { randomUUID } from 'node:crypto';
import type { AccessClaims, RoleName } from '@ferry/platform/rbac';

export * from '@ferry/identity/testing';

/** Verified claims of a signed-in caller, as the auth guard would hand them to a handler. Specs only. */
export function claimsFor(caller: {
  accountId?: string;
  orgId: string | null;
  roles: readonly RoleName[];
}): AccessClaims {
  return {
    accountId: caller.accountId ?? randomUUID(),
    sessionId: randomUUID(),
    orgId: caller.orgId,
    roles: caller.roles,
    amr: ['pwd', 'otp'],
    expiresAt: new Date(Date.now() + 300_000),
    tokenId: randomUUID(),
  };
}

/**
 * Every string reachable from `roots`, through objects (private fields too), arrays, Maps and Sets:
 * what a fake holds, so a spec can prove a value was never stored anywhere in it. Specs only.
 */
export function reachableStrings(...roots: unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Map) {
      for (const [k, v] of value) {
        visit(k);
        visit(v);
      }
    } else if (value instanceof Set || Array.isArray(value)) {
      for (const v of value as Iterable<unknown>) visit(v);
    } else {
      for (const v of Object.values(value)) visit(v);
    }
  };
  roots.forEach(visit);
  return out;
}
