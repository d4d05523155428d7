import { importPKCS8, SignJWT } from 'jose';
import type { Clock } from '../identity/clock';
import type { SandboxEndpoints } from '../sandbox';

const wallClock: Pick<Clock, 'now'> = { now: () => Date.now() };

/**
 * Mints a Google access token the way Ferry's token broker does: a JWT-bearer assertion (RFC 7523)
 * signed with the service-account key, posted to the key's `token_uri`, with `sub` for domain-wide
 * delegation. (google-auth-library's JWT client always posts to oauth2.googleapis.com.) The assertion
 * is dated by `clock`: pass the sandbox's own (`sandbox.context.clock`) once a test has moved it, or
 * the sandbox refuses the assertion as expired.
 */
export async function googleAccessToken(
  endpoints: SandboxEndpoints,
  subject: string | undefined,
  scopes: readonly string[],
  clock: Pick<Clock, 'now'> = wallClock,
): Promise<string> {
  const key = endpoints.google.serviceAccountKey;
  const privateKey = await importPKCS8(key['private_key'] ?? '', 'RS256');
  const now = Math.floor(clock.now() / 1000);
  const assertion = await new SignJWT({ scope: scopes.join(' '), ...(subject ? { sub: subject } : {}) })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key['private_key_id'] ?? '' })
    .setIssuer(key['client_email'] ?? '')
    .setAudience(key['token_uri'] ?? endpoints.googleTokenUri)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
  const res = await fetch(key['token_uri'] ?? endpoints.googleTokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`token request failed: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
  return body.access_token;
}
