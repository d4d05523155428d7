import { ProviderError } from '@ferry/providers/core';

/**
 * The Microsoft cloud a tenant lives in. `usgov` is GCC High (US Government L4), `usgov-dod` is DoD
 * (L5); plain GCC tenants live in the `global` cloud.
 */
export type MicrosoftCloud = 'global' | 'usgov' | 'usgov-dod' | 'china';

/** Where a tenant's Entra ID and Microsoft Graph answer: two https origins, no path. */
export interface MicrosoftEndpoints {
  /** The Entra ID sign-in origin, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string;
  /** The Microsoft Graph origin, e.g. `https://graph.microsoft.com`; also the resource of `.default` scopes. */
  readonly graphOrigin: string;
}

/**
 * The published national-cloud endpoints ("Microsoft Graph national cloud deployments":
 * https://learn.microsoft.com/graph/deployments). An app registration exists in one cloud only, so a
 * connector names the cloud its tenant was created in.
 */
export const MICROSOFT_CLOUDS: Readonly<Record<MicrosoftCloud, MicrosoftEndpoints>> = Object.freeze({
  global: { authorityHost: 'https://login.microsoftonline.com', graphOrigin: 'https://graph.microsoft.com' },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphOrigin: 'https://graph.microsoft.us' },
  'usgov-dod': {
    authorityHost: 'https://login.microsoftonline.us',
    graphOrigin: 'https://dod-graph.microsoft.us',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphOrigin: 'https://microsoftgraph.chinacloudapi.cn',
  },
});

function httpsOrigin(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048)
    throw new ProviderError('invalid-input', `${field} must be an https origin`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderError('invalid-input', `${field} must be an absolute https URL`);
  }
  if (url.protocol !== 'https:') throw new ProviderError('invalid-input', `${field} must use https`);
  // Credentials in the URL would be sent to whoever answers; a path, query or fragment would be
  // silently dropped or, worse, glued into every endpoint Ferry derives from the origin.
  if (url.username || url.password)
    throw new ProviderError('invalid-input', `${field} must not carry credentials`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(value)) {
    throw new ProviderError('invalid-input', `${field} must be an origin only (no path, query or fragment)`);
  }
  return url.origin;
}

/**
 * Checks custom endpoints (a national cloud, or the sandbox) and returns them in canonical form
 * (`https://host[:port]`, no trailing slash). Where they point is checked again on every request by
 * the SSRF policy of the outbound fetch.
 * @throws ProviderError `invalid-input` naming the field, never echoing the value.
 */
export function validateEndpoints(input: unknown): MicrosoftEndpoints {
  if (typeof input !== 'object' || input === null)
    throw new ProviderError(
      'invalid-input',
      'endpoints must be an object with authorityHost and graphOrigin',
    );
  const { authorityHost, graphOrigin } = input as Record<string, unknown>;
  return {
    authorityHost: httpsOrigin('authorityHost', authorityHost),
    graphOrigin: httpsOrigin('graphOrigin', graphOrigin),
  };
}
