import type { AccessTokenVerifier } from '@ferry/platform/auth';
import type { AccessClaims } from '@ferry/platform/rbac';

/** Claims of an account holding `roles` in `orgId`. */
export function roleClaims(roles: AccessClaims['roles'], orgId: string): AccessClaims {
  return {
    accountId: '7a0c2b1e-0000-4000-8000-000000000001',
    sessionId: 's1',
    orgId,
    roles,
    amr: ['pwd'],
    expiresAt: new Date(Date.now() + 60_000),
    tokenId: 'j1',
  };
}

/**
 * A verifier whose tokens are names of `tokens`' entries, for the RPC handlers' specs (the real
 * verifier's checks are covered in @ferry/platform/auth). Entries may be added later; any other
 * token is refused.
 */
export function namedTokenVerifier(tokens: Record<string, AccessClaims>): AccessTokenVerifier {
  return { verify: async (token: string) => tokens[token] ?? Promise.reject(new Error('unknown token')) } as unknown as AccessTokenVerifier;
}
