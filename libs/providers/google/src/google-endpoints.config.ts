import { ProviderError } from '@ferry/providers/core';
import { requireHttpsUrl } from './input-checks';

/**
 * Where Ferry reaches Google. Operators change them only to point at the sandbox or a test double;
 * every host is still checked by the SSRF policy of the fetch that calls it.
 */
export interface GoogleEndpoints {
  /** googleapis `rootUrl` (Admin SDK, Gmail, Calendar, Drive, People); Google also serves its ID-token keys at `oauth2/v3/certs` under it. */
  readonly apiRoot: string;
  /** The OAuth 2.0 authorization endpoint users are sent to (per-user delegated mode). */
  readonly authUri: string;
  /** The OAuth 2.0 token endpoint for OAuth clients; service accounts post to their key's `token_uri`. */
  readonly tokenUri: string;
}

/** Google's production endpoints. */
export const DEFAULT_GOOGLE_ENDPOINTS: GoogleEndpoints = Object.freeze({
  apiRoot: 'https://www.googleapis.com/',
  authUri: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUri: 'https://oauth2.googleapis.com/token',
});

/**
 * Validates operator-supplied endpoints, filling absent fields from {@link DEFAULT_GOOGLE_ENDPOINTS}:
 * absolute https URLs without credentials, query or fragment; `apiRoot` is normalised to end in `/`
 * (googleapis resolves API paths against it).
 *
 * @throws ProviderError `invalid-input` naming the field.
 */
export function validateGoogleEndpoints(input: unknown): GoogleEndpoints {
  if (input === undefined || input === null) return DEFAULT_GOOGLE_ENDPOINTS;
  if (typeof input !== 'object' || Array.isArray(input))
    throw new ProviderError('invalid-input', 'Google endpoints must be an object');
  const given = input as Record<string, unknown>;
  const unknown = Object.keys(given).find((k) => !(k in DEFAULT_GOOGLE_ENDPOINTS));
  if (unknown !== undefined)
    throw new ProviderError('invalid-input', 'Google endpoints has an unknown field');
  const field = (name: keyof GoogleEndpoints): URL => {
    const url = requireHttpsUrl(`endpoints.${name}`, given[name] ?? DEFAULT_GOOGLE_ENDPOINTS[name]);
    if (url.search) throw new ProviderError('invalid-input', `endpoints.${name} must not carry a query`);
    return url;
  };
  const apiRoot = field('apiRoot');
  if (!apiRoot.pathname.endsWith('/')) apiRoot.pathname += '/';
  return Object.freeze({
    apiRoot: apiRoot.href,
    authUri: field('authUri').href,
    tokenUri: field('tokenUri').href,
  });
}

/** Google's ID-token signing keys (JWKS), served under the API root (www.googleapis.com/oauth2/v3/certs). */
export function googleJwksUri(endpoints: GoogleEndpoints): string {
  return new URL('oauth2/v3/certs', endpoints.apiRoot).href;
}
