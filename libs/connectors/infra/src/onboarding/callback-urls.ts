/** The gateway routes providers redirect browsers to (libs/gateway/api connector-onboarding.controller). */
export const CONSENT_CALLBACK_PATH = '/api/v1/connectors/consent/callback';
/** Where Entra sends the browser after the sign-in that confirms an admin consent. */
export const CONSENT_VERIFY_CALLBACK_PATH = '/api/v1/connectors/consent/verify/callback';
export const DELEGATION_CALLBACK_PATH = '/api/v1/connectors/delegations/callback';

/**
 * The redirect URI for `path` under the gateway's public base URL (FERRY_CONNECTORS_CALLBACK_URL):
 * https, no credentials, query or fragment; a path prefix (a gateway behind /ferry) is kept.
 * @throws Error at start-up, never echoing the value
 */
export function callbackUrl(baseUrl: string, path: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new Error('the callback base URL is not an absolute URL');
  }
  if (base.protocol !== 'https:' || base.username || base.password || base.search || base.hash) {
    throw new Error('the callback base URL must be https, without credentials, query or fragment');
  }
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
}
