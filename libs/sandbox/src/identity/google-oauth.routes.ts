import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeJwt, jwtVerify } from 'jose';
import { readForm } from '../http/body';
import { sendJson } from '../http/respond';
import type { Route } from '../http/route';
import type { SandboxRequest } from '../http/sandbox-request';
import { oauthError } from '../http/vendor-errors';
import type { SandboxContext } from '../sandbox-context';
import type { GoogleTenant, GoogleUser } from '../state/directory';
import { ASSERTION_CLOCK_SKEW_S } from './clock';
import { sendSignInPage } from './sign-in-page';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google refuses assertions valid for more than an hour. */
const MAX_ASSERTION_LIFETIME_S = 3600;

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly customerId: string;
  readonly email: string;
  readonly scopes: readonly string[];
  readonly codeChallenge?: string;
  readonly nonce?: string;
  readonly expiresAt: number;
}

/**
 * Google's OAuth 2.0 server: the service-account JWT bearer grant (RFC 7523) with `sub` for
 * domain-wide delegation, the authorization-code flow with PKCE for OIDC sign-in, refresh, revoke,
 * discovery and JWKS. Simplified: no consent screen; scopes are checked against the tenant's
 * domain-wide delegation list for service accounts and accepted as asked for user sign-in.
 */
export function googleOAuthRoutes(ctx: SandboxContext): Route[] {
  const codes = new Map<string, PendingCode>();
  const invalid = (m: string) => oauthError(400, 'invalid_request', m);

  const jwtBearer = async (form: URLSearchParams, res: ServerResponse): Promise<void> => {
    const assertion = form.get('assertion');
    if (!assertion) throw oauthError(400, 'invalid_request', 'Missing required parameter: assertion');
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(assertion);
    } catch {
      throw oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const found = typeof claims.iss === 'string' ? ctx.directory.googleServiceAccount(claims.iss) : undefined;
    if (!found) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    const { tenant, account } = found;
    try {
      await jwtVerify(assertion, account.publicKey, { audience: [`${ctx.origin()}/token`, 'https://oauth2.googleapis.com/token'], currentDate: ctx.clock.date(), clockTolerance: ASSERTION_CLOCK_SKEW_S, algorithms: ['RS256'] });
    } catch {
      throw oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    }
    const nowS = Math.floor(ctx.clock.now() / 1000);
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > MAX_ASSERTION_LIFETIME_S || claims.iat > nowS + ASSERTION_CLOCK_SKEW_S) {
      throw oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ').filter(Boolean) : [];
    if (scopes.length === 0) throw oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    let subject: string | undefined;
    if (typeof claims.sub === 'string' && claims.sub !== claims.iss) {
      const user = tenant.users.get(claims.sub.toLowerCase());
      if (!user) throw oauthError(400, 'invalid_grant', 'Invalid email or User ID');
      if (user.suspended) throw oauthError(400, 'invalid_grant', 'Invalid email or User ID');
      if (!scopes.every((s) => account.delegatedScopes.has(s))) {
        throw oauthError(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
      }
      subject = user.primaryEmail;
    }
    const { token, expiresIn } = ctx.tokens.googleAccessToken({ kind: 'google', customerId: tenant.customerId, clientId: account.clientId, ...(subject ? { subject } : {}), scopes });
    sendJson(res, 200, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' }, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
  };

  const userTokens = async (res: ServerResponse, tenant: GoogleTenant, user: GoogleUser, clientId: string, scopes: readonly string[], nonce: string | undefined, withRefresh: boolean): Promise<void> => {
    const principal = { kind: 'google' as const, customerId: tenant.customerId, clientId, subject: user.primaryEmail, scopes: [...scopes] };
    const { token, expiresIn } = ctx.tokens.googleAccessToken(principal);
    const body: Record<string, unknown> = { access_token: token, expires_in: expiresIn, token_type: 'Bearer', scope: scopes.join(' ') };
    if (scopes.includes('openid')) {
      body['id_token'] = await ctx.tokens.googleIdToken(clientId, {
        sub: user.id,
        azp: clientId,
        hd: tenant.domain,
        ...(scopes.includes('email') ? { email: user.primaryEmail, email_verified: true } : {}),
        ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
        ...(nonce ? { nonce } : {}),
      });
    }
    if (withRefresh) body['refresh_token'] = ctx.tokens.refreshToken(principal);
    sendJson(res, 200, body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
  };

  const clientOf = (form: URLSearchParams) => {
    const clientId = form.get('client_id') ?? '';
    for (const tenant of ctx.directory.google.values()) {
      const client = tenant.oauthClients.get(clientId);
      if (client) {
        if (form.get('client_secret') !== client.clientSecret) throw oauthError(401, 'invalid_client', 'Unauthorized');
        return { tenant, client };
      }
    }
    throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  };

  const token = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const form = await readForm(req.raw, invalid);
    const grant = form.get('grant_type');
    if (grant === JWT_BEARER) return jwtBearer(form, res);
    if (grant === 'authorization_code') {
      const { client } = clientOf(form);
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code);
      if (!pending || pending.clientId !== client.clientId || pending.expiresAt < ctx.clock.now()) throw oauthError(400, 'invalid_grant', 'Malformed auth code.');
      if (form.get('redirect_uri') !== pending.redirectUri) throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
      if (pending.codeChallenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== pending.codeChallenge) {
        throw oauthError(400, 'invalid_grant', 'Invalid code verifier.');
      }
      const tenant = ctx.directory.google.get(pending.customerId);
      const user = tenant?.users.get(pending.email);
      if (!tenant || !user) throw oauthError(400, 'invalid_grant', 'Malformed auth code.');
      return userTokens(res, tenant, user, client.clientId, pending.scopes, pending.nonce, true);
    }
    if (grant === 'refresh_token') {
      const { client } = clientOf(form);
      const principal = ctx.tokens.redeemRefreshToken(form.get('refresh_token') ?? '');
      if (!principal || principal.kind !== 'google' || principal.clientId !== client.clientId || !principal.subject) throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      const tenant = ctx.directory.google.get(principal.customerId);
      const user = tenant?.users.get(principal.subject.toLowerCase());
      if (!tenant || !user) throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      return userTokens(res, tenant, user, client.clientId, principal.scopes, undefined, false);
    }
    throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${(grant ?? '').slice(0, 64)}`);
  };

  const authorize = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const params = req.method === 'POST' ? await readForm(req.raw, invalid) : req.query;
    const clientId = params.get('client_id') ?? '';
    let client: { clientId: string; redirectUris: Set<string> } | undefined;
    for (const t of ctx.directory.google.values()) client ??= t.oauthClients.get(clientId);
    if (!client) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!client.redirectUris.has(redirectUri)) throw oauthError(400, 'redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.`);
    if (params.get('response_type') !== 'code') throw oauthError(400, 'unsupported_response_type', 'Invalid response_type.');
    const username = params.get('username');
    const password = params.get('password');
    const user = username ? ctx.directory.googleTenantOfEmail(username)?.users.get(username.toLowerCase()) : undefined;
    if (req.method !== 'POST' || !user || user.password !== password) {
      sendSignInPage(res, {
        title: 'Sign in - Sandbox Google Accounts',
        heading: 'Sign in',
        userLabel: 'Email',
        submit: 'Next',
        ...(req.method === 'POST' ? { error: 'Wrong password. Try again.' } : {}),
        params,
      });
      return;
    }
    const tenant = ctx.directory.googleTenantOfEmail(user.primaryEmail);
    const code = `4/${randomBytes(32).toString('base64url')}`;
    const challenge = params.get('code_challenge');
    const nonce = params.get('nonce');
    codes.set(code, {
      clientId,
      redirectUri,
      customerId: tenant?.customerId ?? '',
      email: user.primaryEmail,
      scopes: (params.get('scope') ?? '').split(' ').filter(Boolean),
      ...(challenge ? { codeChallenge: challenge } : {}),
      ...(nonce ? { nonce } : {}),
      expiresAt: ctx.clock.now() + 10 * 60 * 1000,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.toString() });
    res.end();
  };

  const discovery = (_req: SandboxRequest, res: ServerResponse): void => {
    const o = ctx.origin();
    sendJson(res, 200, {
      issuer: ctx.tokens.googleIssuer(),
      authorization_endpoint: `${o}/o/oauth2/v2/auth`,
      token_endpoint: `${o}/token`,
      userinfo_endpoint: `${o}/v1/userinfo`,
      revocation_endpoint: `${o}/revoke`,
      jwks_uri: `${o}/oauth2/v3/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'sub', 'hd'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', JWT_BEARER],
    });
  };

  const revoke = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const form = await readForm(req.raw, invalid);
    const t = form.get('token') ?? req.query.get('token') ?? '';
    if (!ctx.tokens.revokeGoogle(t)) throw oauthError(400, 'invalid_token', 'Token expired or revoked');
    sendJson(res, 200, {});
  };

  const none = { kind: 'none' } as const;
  return [
    { vendor: 'google-oauth', method: 'POST', pattern: '/token', operation: 'google.oauth.token', auth: none, handler: token },
    { vendor: 'google-oauth', method: 'GET', pattern: '/.well-known/openid-configuration', operation: 'google.oauth.discovery', auth: none, handler: discovery },
    { vendor: 'google-oauth', method: 'GET', pattern: '/oauth2/v3/certs', operation: 'google.oauth.jwks', auth: none, handler: async (_q, res) => sendJson(res, 200, await ctx.tokens.jwks('google')) },
    { vendor: 'google-oauth', method: 'GET', pattern: '/oauth2/v1/certs', operation: 'google.oauth.certs', auth: none, handler: (_q, res) => sendJson(res, 200, ctx.tokens.googlePemKeys()) },
    { vendor: 'google-oauth', method: 'GET', pattern: '/o/oauth2/v2/auth', operation: 'google.oauth.authorize', auth: none, handler: authorize },
    { vendor: 'google-oauth', method: 'POST', pattern: '/o/oauth2/v2/auth', operation: 'google.oauth.authorize', auth: none, handler: authorize },
    { vendor: 'google-oauth', method: 'POST', pattern: '/revoke', operation: 'google.oauth.revoke', auth: none, handler: revoke },
  ];
}
