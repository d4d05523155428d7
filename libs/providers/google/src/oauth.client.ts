import {
  type DelegatedGrant,
  type IssuedToken,
  type OutboundFetch,
  ProviderError,
  safeProviderCode,
} from '@ferry/providers/core';
import {
  authorizationCodeGrant,
  buildAuthorizationUrl,
  ClientSecretPost,
  Configuration,
  customFetch,
  enableNonRepudiationChecks,
  refreshTokenGrant,
  ResponseBodyError,
  type TokenEndpointResponse,
  type TokenEndpointResponseHelpers,
} from 'openid-client';
import { type GoogleEndpoints, googleJwksUri } from './google-endpoints.config';
import { requireHttpsUrl, requireScopes } from './input-checks';
import { providerErrorIn } from './provider-error.cause';
import { tokenEndpointError } from './token-error.mapper';

/** The issuer of Google ID tokens, whatever endpoint served them (the sandbox signs with this issuer too). */
const GOOGLE_ISSUER = 'https://accounts.google.com';
/** Added to every consent request: the verified ID token names the account that granted access. */
const IDENTITY_SCOPES = ['openid', 'email'] as const;
const STATE = /^[A-Za-z0-9._~-]{16,512}$/;
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface GoogleOAuthClientOptions {
  /** The OAuth client id (`….apps.googleusercontent.com`). */
  readonly clientId: string;
  /** The OAuth client secret: a vault secret. */
  readonly clientSecret: string;
  readonly endpoints: GoogleEndpoints;
  /** The SSRF-guarded outbound fetch: token requests and the JWKS go through it. */
  readonly fetch: OutboundFetch;
}

/** What the consent link asks for. */
export interface GoogleAuthorizationRequest {
  /** Registered with the OAuth client; https, no query or fragment. */
  readonly redirectUri: string;
  /** The caller's random flow id, checked by the caller on the callback. */
  readonly state: string;
  /** BASE64URL(SHA-256(code verifier)): PKCE S256. */
  readonly codeChallenge: string;
  /** Workload scopes, e.g. from {@link GOOGLE_DELEGATED_USER_SCOPES}; `openid email` are added. */
  readonly scopes: readonly string[];
  /** Preselects the account on Google's sign-in page. */
  readonly loginHint?: string;
}

/**
 * Per-user delegated mode: a user consents on Google's page, Ferry redeems the code (PKCE S256) for an
 * access token and a refresh token, and refreshes later. Built on openid-client 6, which checks the ID
 * token's signature against Google's JWKS and its issuer, audience and lifetimes, so the account a grant
 * belongs to comes from a verified token. Every request (token, JWKS) goes through the outbound fetch.
 */
export class GoogleOAuthClient {
  private readonly config: Configuration;

  constructor(options: GoogleOAuthClientOptions) {
    if (typeof options.clientId !== 'string' || !/^[A-Za-z0-9._-]{1,256}$/.test(options.clientId)) {
      throw new ProviderError('invalid-input', 'clientId is not an OAuth client id');
    }
    if (
      typeof options.clientSecret !== 'string' ||
      options.clientSecret.length === 0 ||
      options.clientSecret.length > 512
    ) {
      throw new ProviderError('invalid-input', 'clientSecret is missing');
    }
    this.config = new Configuration(
      {
        issuer: GOOGLE_ISSUER,
        authorization_endpoint: options.endpoints.authUri,
        token_endpoint: options.endpoints.tokenUri,
        jwks_uri: googleJwksUri(options.endpoints),
      },
      options.clientId,
      // Google signs ID tokens with RS256 only; pinning it refuses any other `alg` outright.
      { client_secret: options.clientSecret, id_token_signed_response_alg: 'RS256' },
      ClientSecretPost(options.clientSecret),
    );
    this.config[customFetch] = (url, init) =>
      options.fetch(url, {
        method: init.method,
        headers: init.headers,
        ...(init.body === undefined || init.body === null ? {} : { body: requestBody(init.body) }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    enableNonRepudiationChecks(this.config);
  }

  /**
   * The consent URL to send the user to: authorization code with PKCE S256, `access_type=offline` and
   * `prompt=consent` (so Google issues a refresh token every time), the workload scopes plus `openid email`.
   *
   * @throws ProviderError `invalid-input` naming the malformed field.
   */
  authorizationUrl(request: GoogleAuthorizationRequest): string {
    const redirectUri = redirectUriOf(request.redirectUri);
    if (typeof request.state !== 'string' || !STATE.test(request.state))
      throw new ProviderError('invalid-input', 'state must be 16 to 512 URL-safe characters');
    if (typeof request.codeChallenge !== 'string' || !CODE_CHALLENGE.test(request.codeChallenge)) {
      throw new ProviderError('invalid-input', 'codeChallenge must be a base64url SHA-256 digest');
    }
    const scopes = new Set([...IDENTITY_SCOPES, ...requireScopes('scopes', request.scopes, true)]);
    const params: Record<string, string> = {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: [...scopes].join(' '),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    };
    if (request.loginHint !== undefined) {
      if (
        typeof request.loginHint !== 'string' ||
        request.loginHint.length === 0 ||
        request.loginHint.length > 320
      ) {
        throw new ProviderError('invalid-input', 'loginHint must be an email address');
      }
      params['login_hint'] = request.loginHint;
    }
    return buildAuthorizationUrl(this.config, params).href;
  }

  /**
   * Redeems the code from the callback (the caller has already checked `state`) for a grant whose account
   * comes from the verified ID token.
   *
   * @throws ProviderError `invalid-grant` (code expired, used or PKCE mismatch), `invalid-credentials`
   *   (client secret refused), `unknown-client`, `invalid-input`, `throttled`, `unreachable`,
   *   `destination-refused`, `provider-error` (including an ID token that fails verification).
   */
  async redeemAuthorizationCode(input: {
    readonly code: string;
    readonly redirectUri: string;
    readonly codeVerifier: string;
  }): Promise<DelegatedGrant> {
    const callback = new URL(redirectUriOf(input.redirectUri));
    if (typeof input.code !== 'string' || input.code.length === 0 || input.code.length > 2048)
      throw new ProviderError('invalid-input', 'code is missing');
    if (typeof input.codeVerifier !== 'string' || !CODE_VERIFIER.test(input.codeVerifier)) {
      throw new ProviderError('invalid-input', 'codeVerifier must be 43 to 128 unreserved characters');
    }
    callback.searchParams.set('code', input.code);
    const tokens = await this.call(() =>
      authorizationCodeGrant(this.config, callback, {
        pkceCodeVerifier: input.codeVerifier,
        idTokenExpected: true,
      }),
    );
    const grant = grantOf(tokens);
    if (!('account' in grant))
      throw new ProviderError('provider-error', 'Google token endpoint: the answer has no ID token');
    return grant;
  }

  /**
   * A fresh access token from a refresh token. Google answers with an ID token when `openid` was granted,
   * which makes the result a {@link DelegatedGrant}; a rotated refresh token, if any, is in `refreshToken`.
   *
   * @throws ProviderError `invalid-grant` when the refresh token is expired or revoked, and as for redeeming.
   */
  async refresh(input: { readonly refreshToken: string }): Promise<DelegatedGrant | IssuedToken> {
    if (
      typeof input.refreshToken !== 'string' ||
      input.refreshToken.length === 0 ||
      input.refreshToken.length > 4096
    ) {
      throw new ProviderError('invalid-input', 'refreshToken is missing');
    }
    return grantOf(await this.call(() => refreshTokenGrant(this.config, input.refreshToken)));
  }

  private async call(
    grant: () => Promise<TokenEndpointResponse & TokenEndpointResponseHelpers>,
  ): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
    try {
      return await grant();
    } catch (error) {
      throw oauthError(error);
    }
  }
}

function redirectUriOf(value: unknown): string {
  const url = requireHttpsUrl('redirectUri', value);
  if (url.search) throw new ProviderError('invalid-input', 'redirectUri must not carry a query');
  return url.href;
}

function requestBody(body: unknown): string | Uint8Array | URLSearchParams {
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof URLSearchParams) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new ProviderError('invalid-input', 'streamed request bodies are not supported by this transport');
}

function grantOf(tokens: TokenEndpointResponse & TokenEndpointResponseHelpers): DelegatedGrant | IssuedToken {
  const expiresIn = tokens.expiresIn();
  if (expiresIn === undefined || expiresIn <= 0)
    throw new ProviderError('provider-error', 'Google token endpoint: the answer has no token lifetime');
  const token: IssuedToken = {
    accessToken: tokens.access_token,
    expiresAt: new Date(Date.now() + expiresIn * 1000),
    granted: typeof tokens.scope === 'string' ? tokens.scope.split(' ').filter(Boolean) : [],
  };
  const claims = tokens.claims();
  if (!claims) return token;
  const { sub, email } = claims;
  if (typeof email !== 'string' || email.length === 0)
    throw new ProviderError(
      'provider-error',
      'Google token endpoint: the ID token has no email (was the email scope granted?)',
    );
  // Grants are keyed by this address: an unverified one (a consumer account claiming a colleague's
  // address) must not take a Workspace user's place.
  if (claims['email_verified'] !== true)
    throw new ProviderError('not-authorized', 'Google account: its email address is not verified');
  return {
    ...token,
    ...(typeof tokens.refresh_token === 'string' ? { refreshToken: tokens.refresh_token } : {}),
    account: { id: sub, username: email },
  };
}

/** Maps what openid-client threw to a ProviderError in Ferry's words. */
function oauthError(error: unknown): ProviderError {
  const wrapped = providerErrorIn(error);
  if (wrapped) return wrapped;
  if (error instanceof ResponseBodyError) {
    return tokenEndpointError('oauth-client', {
      status: error.status,
      error: error.error,
      description: error.error_description,
      retryAfter: error.response.headers.get('retry-after'),
    });
  }
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Response) {
    return tokenEndpointError('oauth-client', {
      status: cause.status,
      retryAfter: cause.headers.get('retry-after'),
    });
  }
  const code = safeProviderCode((error as { code?: unknown } | undefined)?.code);
  return new ProviderError(
    'provider-error',
    'Google token endpoint: the answer or its ID token failed verification',
    code ? { providerCode: code } : {},
  );
}
