import { ProviderError } from '@ferry/providers/core';

/** OpenID Connect scopes: about the sign-in, not permissions on Graph. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** Every delegated request carries these: an ID token naming the user, and a refresh token. */
const ALWAYS = ['openid', 'profile', 'offline_access'];
const SCOPE = /^[A-Za-z0-9._:/-]{1,200}$/;

/**
 * The `scope` parameter of a delegated request: OIDC scopes as they are, Graph permission names
 * qualified with the cloud's Graph origin (a national cloud's Graph is another resource than the
 * global one), full scope URIs kept.
 * @throws ProviderError `invalid-input` for an empty list or a malformed scope.
 */
export function delegatedScopeParameter(scopes: readonly string[], graphOrigin: string): string {
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > 50)
    throw new ProviderError('invalid-input', 'scopes must list 1 to 50 Graph permissions');
  const qualified = scopes.map((s) => {
    if (typeof s !== 'string' || !SCOPE.test(s))
      throw new ProviderError('invalid-input', 'a scope is malformed');
    return OIDC_SCOPES.has(s) || s.includes('/') ? s : `${graphOrigin}/${s}`;
  });
  return [...new Set([...ALWAYS, ...qualified])].join(' ');
}

/** The Graph permissions a token response's `scope` names, as short names (`Mail.ReadWrite`). */
export function grantedScopes(scope: string | undefined, graphOrigin: string): string[] {
  if (!scope) return [];
  const prefixes = [
    `${graphOrigin}/`,
    'https://graph.microsoft.com/',
    '00000003-0000-0000-c000-000000000000/',
  ];
  return [
    ...new Set(
      scope
        .split(' ')
        .filter((s) => s && !OIDC_SCOPES.has(s))
        .map((s) => prefixes.reduce((name, p) => (name.startsWith(p) ? name.slice(p.length) : name), s)),
    ),
  ];
}
