import type { Account, Session } from '@ferry/identity/domain';
import type { AccessTokenSigner } from './identity.ports';
import type { IssuedTokens } from './session-issuer';

/**
 * Signs a fresh access token for `account` in `session` (its roles as they are now, the session's
 * amr) and packs it with the refresh token the client will hold: the answer of sign-in and refresh.
 */
export async function signTokenSet(
  signer: AccessTokenSigner,
  input: { account: Account; session: Session; refreshToken: string },
): Promise<IssuedTokens> {
  const { account, session } = input;
  const access = await signer.sign({
    accountId: account.id,
    sessionId: session.id,
    orgId: account.orgId,
    roles: account.roles,
    amr: session.amr,
  });
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: input.refreshToken,
    sessionExpiresAt: session.absoluteExpiresAt,
    sessionId: session.id,
  };
}
