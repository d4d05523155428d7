import { Rpc } from '@ferry/contracts';
import type { MessagingClient } from '@ferry/platform/messaging';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** Signs an access token as identity would, for an org admin unless `claims` say otherwise. */
export type AccessTokenSigner = (claims?: JWTPayload) => Promise<string>;

/**
 * A stand-in identity service for gateway tests: serves the JWKS of one ES256 key on `peer` and signs
 * access tokens of `issuer` with it (five minutes, organisation `org`). Tests only.
 */
export async function standInIdentity(peer: MessagingClient, options: { issuer: string; org: string }): Promise<AccessTokenSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  await peer.serve(Rpc.identity.jwks, async () => ({ jwksJson: JSON.stringify({ keys: [jwk] }) }));
  return (claims = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sid: 's1', org: options.org, roles: ['org-admin'], amr: ['pwd', 'otp'], jti: `j-${Math.random()}`, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(options.issuer)
      .setAudience('ferry-api')
      .setSubject('7a0c2b1e-0000-4000-8000-000000000001')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
  };
}
