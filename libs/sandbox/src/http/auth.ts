import type { AuthRequirement, GooglePrincipal, MicrosoftPrincipal, Principal } from '../identity/principal';
import type { SandboxContext } from '../sandbox-context';
import { graphError, googleError } from './vendor-errors';

const GRAPH_WWW_AUTH = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';
const GOOGLE_CRED_HELP = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** Checks the bearer token for a route's requirement; throws the vendor's 401/403 otherwise. */
export async function authenticate(ctx: SandboxContext, requirement: AuthRequirement, authorization: string | undefined, operation: string): Promise<Principal | undefined> {
  switch (requirement.kind) {
    case 'none':
      return undefined;
    case 'graph':
      return authenticateGraph(ctx, requirement, authorization);
    case 'google':
      return authenticateGoogle(ctx, requirement.scopes, authorization, operation);
  }
}

async function authenticateGraph(
  ctx: SandboxContext,
  requirement: Extract<AuthRequirement, { kind: 'graph' }>,
  authorization: string | undefined,
): Promise<MicrosoftPrincipal> {
  const result = await ctx.tokens.verifyMicrosoft(authorization);
  const headers = { 'www-authenticate': GRAPH_WWW_AUTH };
  if (result === 'missing') throw graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', headers);
  if (result === 'expired') throw graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', headers);
  if (result === 'invalid') throw graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', headers);
  if (!ctx.directory.microsoft.has(result.tenantId)) {
    throw graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid issuer.', headers);
  }
  const granted = result.userId ? result.scopes : result.roles;
  const accepted = result.userId ? requirement.delegated : requirement.application;
  if (!accepted.some((p) => granted.includes(p))) {
    const denied = requirement.denied ?? { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
    throw graphError(403, denied.code, denied.message);
  }
  return result;
}

function authenticateGoogle(ctx: SandboxContext, scopes: readonly string[], authorization: string | undefined, operation: string): GooglePrincipal {
  const result = ctx.tokens.verifyGoogle(authorization);
  if (result === 'missing') {
    throw googleError(401, 'required', `Request is missing required authentication credential. ${GOOGLE_CRED_HELP}`, {
      location: 'Authorization',
      locationType: 'header',
      headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
    });
  }
  if (result === 'invalid' || result === 'expired') {
    throw googleError(401, 'authError', `Request had invalid authentication credentials. ${GOOGLE_CRED_HELP}`, {
      location: 'Authorization',
      locationType: 'header',
      headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    });
  }
  if (!scopes.some((s) => result.scopes.includes(s))) {
    throw googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
      headers: { 'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${scopes.join(' ')}"` },
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { method: operation, service: `${operation.split('.')[0] ?? 'www'}.googleapis.com` },
        },
      ],
    });
  }
  return result;
}
