import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { readForm } from '../http/body';
import { sendJson } from '../http/respond';
import type { Route } from '../http/route';
import type { SandboxRequest } from '../http/sandbox-request';
import type { SandboxContext } from '../sandbox-context';
import type { EntraApp, MicrosoftTenant } from '../state/directory';
import { ASSERTION_CLOCK_SKEW_S } from './clock';
import { entraAdminConsentRoutes } from './entra-admin-consent.routes';
import { entraGroupsClaim } from './entra-claims';
import { entraError, entraTenantOf, graphPermissionName, isGraphDefaultScope, redirectAllowed } from './entra-protocol';
import { sendSignInPage } from './sign-in-page';
import { GRAPH_AUDIENCE } from './token-service';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const CODE_LIFETIME_MS = 10 * 60 * 1000;

interface PendingCode {
  readonly tenantId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly codeChallenge?: string;
  readonly nonce?: string;
  readonly expiresAt: number;
}

/** Base64url SHA-1 and SHA-256 thumbprints of a certificate, as `x5t` and `x5t#S256` carry them. */
export function certificateThumbprints(pem: string): { x5t: string; x5tS256: string; cert: X509Certificate } {
  const cert = new X509Certificate(pem);
  return {
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    cert,
  };
}

/**
 * Entra ID v2.0: OIDC discovery, JWKS, the token endpoint (client credentials with a secret or a
 * certificate assertion, authorization code with PKCE, refresh token) and a sign-in page for the
 * authorization endpoint. Simplified: no consent screen (consent is what the scenario granted).
 */
export function entraRoutes(ctx: SandboxContext): Route[] {
  const codes = new Map<string, PendingCode>();

  const tenantOf = (req: SandboxRequest): MicrosoftTenant => entraTenantOf(ctx, req.params['tenant'] ?? '');

  const appOf = (tenant: MicrosoftTenant, clientId: string | null): EntraApp => {
    if (!clientId) throw entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = tenant.apps.get(clientId);
    if (!app) {
      throw entraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId.slice(0, 64)}' was not found in the directory '${tenant.domain}'.`);
    }
    return app;
  };

  const authenticateClient = async (tenant: MicrosoftTenant, app: EntraApp, form: URLSearchParams, tokenUrl: string): Promise<void> => {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!app.secrets.has(secret)) {
        throw entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.');
      }
      return;
    }
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        throw entraError(400, 'invalid_request', 700024, 'Client assertion type is not supported.');
      }
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(assertion);
      } catch {
        throw entraError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
      }
      const thumb = (header['x5t#S256'] as string | undefined) ?? header.x5t;
      const key = thumb ? app.certificates.get(thumb) : undefined;
      if (!key) throw entraError(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumb ?? ''}']`);
      try {
        const { payload } = await jwtVerify(assertion, key, { audience: [tokenUrl, `${ctx.origin()}/${tenant.tenantId}/v2.0`], currentDate: ctx.clock.date(), clockTolerance: ASSERTION_CLOCK_SKEW_S });
        if (payload.iss !== app.clientId || payload.sub !== app.clientId) throw new Error('iss/sub');
      } catch {
        throw entraError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
      }
      return;
    }
    throw entraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  };

  const token = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const tenant = tenantOf(req);
    const form = await readForm(req.raw, (m) => entraError(400, 'invalid_request', 900144, m));
    const grant = form.get('grant_type');
    const tokenUrl = `${ctx.origin()}/${req.params['tenant'] ?? ''}/oauth2/v2.0/token`;
    const app = appOf(tenant, form.get('client_id'));
    const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
    switch (grant ?? '') {
      case 'client_credentials': {
        await authenticateClient(tenant, app, form, tokenUrl);
        const scope = form.get('scope');
        if (!scope) throw entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
        const scopes = scope.split(' ').filter(Boolean);
        if (scopes.length !== 1 || !isGraphDefaultScope(ctx, scopes[0] ?? '')) {
          throw entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope.slice(0, 200)} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
        }
        const { token: accessToken, expiresIn } = await ctx.tokens.microsoftAccessToken({ kind: 'microsoft', tenantId: tenant.tenantId, appId: app.clientId, roles: [...app.applicationPermissions], scopes: [] });
        sendJson(res, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken }, noStore);
        return;
      }
      case 'authorization_code': {
        const code = form.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code);
        if (!pending || pending.tenantId !== tenant.tenantId || pending.clientId !== app.clientId) {
          throw entraError(400, 'invalid_grant', 70000, 'The provided authorization code is invalid or has expired, or has already been redeemed.');
        }
        if (pending.expiresAt < ctx.clock.now()) throw entraError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
        if (form.get('redirect_uri') !== pending.redirectUri) throw entraError(400, 'invalid_grant', 50148, 'The redirect URI specified in the request does not match the redirect URI used to acquire the authorization code.');
        if (pending.codeChallenge) {
          const verifier = form.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
            throw entraError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
          }
        }
        if (app.secrets.size > 0 || app.certificates.size > 0) await authenticateClient(tenant, app, form, tokenUrl);
        await issueUserTokens(res, tenant, app, pending.userId, pending.scopes, pending.nonce);
        return;
      }
      case 'refresh_token': {
        const principal = ctx.tokens.redeemRefreshToken(form.get('refresh_token') ?? '');
        if (!principal || principal.kind !== 'microsoft' || principal.tenantId !== tenant.tenantId || principal.appId !== app.clientId || !principal.userId) {
          throw entraError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
        }
        if (app.secrets.size > 0 || app.certificates.size > 0) await authenticateClient(tenant, app, form, tokenUrl);
        // As in Entra, a refresh may ask for any consented scope (and openid for a new ID token); without
        // a scope parameter it renews what the refresh token was issued for.
        const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
        await issueUserTokens(res, tenant, app, principal.userId, [...new Set([...(asked.length > 0 ? asked : principal.scopes), 'offline_access'])], undefined);
        return;
      }
      default:
        throw entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${(grant ?? '').slice(0, 64)}'.`);
    }
  };

  const issueUserTokens = async (res: ServerResponse, tenant: MicrosoftTenant, app: EntraApp, userId: string, requested: readonly string[], nonce: string | undefined): Promise<void> => {
    const user = tenant.users.get(userId);
    if (!user || !user.accountEnabled) throw entraError(400, 'invalid_grant', 50057, 'The user account is disabled.');
    const apiScopes = requested
      .filter((s) => !OIDC_SCOPES.has(s))
      .map((s) => graphPermissionName(ctx, s))
      .filter((s) => app.delegatedPermissions.has(s));
    const { token: accessToken, expiresIn } = await ctx.tokens.microsoftAccessToken({ kind: 'microsoft', tenantId: tenant.tenantId, appId: app.clientId, roles: [], scopes: apiScopes, userId });
    const body: Record<string, unknown> = { token_type: 'Bearer', scope: apiScopes.map((s) => `${GRAPH_AUDIENCE}/${s}`).join(' '), expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken };
    if (requested.includes('openid')) {
      body['id_token'] = await ctx.tokens.entraIdToken(tenant.tenantId, app.clientId, {
        sub: createHash('sha256').update(`${app.clientId}/${user.id}`).digest('base64url').slice(0, 43),
        oid: user.id,
        name: user.displayName,
        preferred_username: user.userPrincipalName,
        ...(requested.includes('email') ? { email: user.mail } : {}),
        ...entraGroupsClaim(tenant, app, user.id),
        // Entra's `wids` (directory role template ids): only for a user who holds roles.
        ...(user.directoryRoles && user.directoryRoles.length > 0 ? { wids: [...user.directoryRoles] } : {}),
        ...(nonce ? { nonce } : {}),
      });
    }
    if (requested.includes('offline_access')) {
      body['refresh_token'] = ctx.tokens.refreshToken({ kind: 'microsoft', tenantId: tenant.tenantId, appId: app.clientId, roles: [], scopes: apiScopes, userId });
    }
    sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  };

  const authorize = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const tenant = tenantOf(req);
    const params = req.method === 'POST' ? await readForm(req.raw, (m) => entraError(400, 'invalid_request', 900144, m)) : req.query;
    const app = appOf(tenant, params.get('client_id'));
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!redirectAllowed(app, redirectUri)) {
      throw entraError(400, 'invalid_request', 50011, `The redirect URI '${redirectUri.slice(0, 200)}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`);
    }
    if (params.get('response_type') !== 'code') throw entraError(400, 'unsupported_response_type', 700054, "response_type 'id_token' is not enabled for the application.");
    const challenge = params.get('code_challenge') ?? undefined;
    if (challenge && params.get('code_challenge_method') !== 'S256') throw entraError(400, 'invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');
    const username = params.get('username');
    const password = params.get('password');
    if (req.method !== 'POST' || !username || !password) {
      sendSignInPage(res, {
        title: 'Sign in - Sandbox Entra ID',
        heading: `Sign in to ${tenant.domain}`,
        userLabel: 'Username',
        submit: 'Sign in',
        ...(req.method === 'POST' ? { error: 'Your account or password is incorrect.' } : {}),
        params,
      });
      return;
    }
    const user = ctx.directory.microsoftUser(tenant, username);
    if (!user || user.password !== password) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><html><body><p role="alert">Your account or password is incorrect.</p></body></html>');
      return;
    }
    const code = randomBytes(32).toString('base64url');
    codes.set(code, {
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      redirectUri,
      userId: user.id,
      scopes: (params.get('scope') ?? '').split(' ').filter(Boolean),
      ...(challenge ? { codeChallenge: challenge } : {}),
      ...(params.get('nonce') ? { nonce: params.get('nonce') ?? '' } : {}),
      expiresAt: ctx.clock.now() + CODE_LIFETIME_MS,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
    res.end();
  };

  const discovery = (req: SandboxRequest, res: ServerResponse): void => {
    const t = req.params['tenant'] ?? '';
    const generic = t === 'common' || t === 'organizations';
    const tenantId = generic ? '{tenantid}' : tenantOf(req).tenantId;
    const base = `${ctx.origin()}/${generic ? t : tenantId}`;
    sendJson(res, 200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${ctx.origin()}/${tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${ctx.origin()}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid', 'email', 'wids'],
      code_challenge_methods_supported: ['plain', 'S256'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'sandbox.invalid',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    });
  };

  const jwks = async (_req: SandboxRequest, res: ServerResponse): Promise<void> => {
    sendJson(res, 200, await ctx.tokens.jwks('entra'));
  };

  const none = { kind: 'none' } as const;
  return [
    { vendor: 'entra', method: 'GET', pattern: '/:tenant/v2.0/.well-known/openid-configuration', operation: 'entra.discovery', auth: none, handler: discovery },
    { vendor: 'entra', method: 'GET', pattern: '/:tenant/discovery/v2.0/keys', operation: 'entra.jwks', auth: none, handler: jwks },
    { vendor: 'entra', method: 'POST', pattern: '/:tenant/oauth2/v2.0/token', operation: 'entra.token', auth: none, handler: token },
    { vendor: 'entra', method: 'GET', pattern: '/:tenant/oauth2/v2.0/authorize', operation: 'entra.authorize', auth: none, handler: authorize },
    { vendor: 'entra', method: 'POST', pattern: '/:tenant/oauth2/v2.0/authorize', operation: 'entra.authorize', auth: none, handler: authorize },
    ...entraAdminConsentRoutes(ctx),
  ];
}
