import { ProviderError } from '@ferry/providers/core';
import { aadstsOf } from './entra-error';
import { GUID } from './ids';
import { type MicrosoftEndpoints, validateEndpoints } from './microsoft-cloud';
import { redirectUriOf } from './redirect-uri';

/** A tenant id, a verified domain, or `organizations` (whichever work or school tenant the admin signs in to). */
const TENANT =
  /^(organizations|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;

/**
 * The link an administrator opens to grant Ferry's multi-tenant app the permissions its registration
 * declares, in their own tenant (Microsoft identity platform v2.0 admin consent endpoint). Entra then
 * redirects to `redirectUri` with the tenant id, so nobody copies a secret or a tenant id by hand.
 * `state` must be a fresh random value bound to the admin's session, checked on the way back.
 * @throws ProviderError `invalid-input`
 */
export function adminConsentUrl(params: {
  endpoints: MicrosoftEndpoints;
  clientId: string;
  redirectUri: string;
  state: string;
  tenant?: string;
}): string {
  const endpoints = validateEndpoints(params.endpoints);
  if (typeof params.clientId !== 'string' || !GUID.test(params.clientId))
    throw new ProviderError('invalid-input', 'clientId must be the application (client) id, a GUID');
  const tenant = params.tenant ?? 'organizations';
  if (typeof tenant !== 'string' || !TENANT.test(tenant))
    throw new ProviderError(
      'invalid-input',
      'tenant must be a tenant id, a verified domain or organizations',
    );
  if (typeof params.state !== 'string' || params.state.length < 16 || params.state.length > 512)
    throw new ProviderError('invalid-input', 'state must be 16 to 512 characters');
  const url = new URL(`${endpoints.authorityHost}/${encodeURIComponent(tenant)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('scope', `${endpoints.graphOrigin}/.default`);
  url.searchParams.set('redirect_uri', redirectUriOf(params.redirectUri).href);
  url.searchParams.set('state', params.state);
  return url.href;
}

/** What Entra's redirect after admin consent says: the consenting tenant, and the state to check. */
export interface AdminConsentResult {
  readonly tenantId: string;
  readonly state: string;
}

const single = (query: URLSearchParams, name: string): string | undefined => {
  const values = query.getAll(name);
  if (values.length > 1) throw new ProviderError('invalid-input', `the consent answer repeats ${name}`);
  return values[0];
};

/**
 * Reads the query of the admin-consent redirect. The caller compares `state` with the one it issued.
 * A declined consent is `not-authorized` (the description is Entra's text and is not kept; its AADSTS
 * code is), any other error `provider-error`, and an answer without a GUID tenant `invalid-input`.
 * @throws ProviderError
 */
export function parseAdminConsentCallback(query: URLSearchParams): AdminConsentResult {
  const error = single(query, 'error');
  if (error !== undefined) {
    const aadsts = aadstsOf(undefined, single(query, 'error_description'));
    const details = aadsts !== undefined ? { providerCode: `AADSTS${aadsts}` } : {};
    if (error === 'access_denied' || error === 'consent_required') {
      throw new ProviderError('not-authorized', 'the administrator did not grant consent', details);
    }
    throw new ProviderError('provider-error', 'Entra ID answered the consent request with an error', details);
  }
  const state = single(query, 'state');
  if (state === undefined || state.length === 0 || state.length > 512)
    throw new ProviderError('invalid-input', 'the consent answer has no state');
  if (single(query, 'admin_consent')?.toLowerCase() !== 'true')
    throw new ProviderError('invalid-input', 'the consent answer does not confirm admin consent');
  const tenant = single(query, 'tenant');
  if (tenant === undefined || !GUID.test(tenant))
    throw new ProviderError('invalid-input', 'the consent answer does not name a tenant id');
  return { tenantId: tenant.toLowerCase(), state };
}
