import { ProviderError, type ProviderErrorCode, safeProviderCode } from '@ferry/providers/core';

/** What Entra's token endpoint answered, reduced to the machine-readable parts. */
export interface EntraFailure {
  /** The OAuth `error`, e.g. `invalid_client`. */
  readonly error?: string;
  /** The first of `error_codes` (or the AADSTS number found in the description), e.g. 7000215. */
  readonly aadsts?: number;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
}

/** AADSTS codes Ferry can explain, each with its meaning in an operator's words. */
const AADSTS: Readonly<Record<number, readonly [ProviderErrorCode, string]>> = {
  7000215: ['invalid-credentials', 'Entra ID rejected the client secret'],
  7000222: ['invalid-credentials', 'the client secret has expired'],
  7000218: ['invalid-credentials', 'Entra ID expected a client secret or certificate assertion'],
  700027: [
    'invalid-credentials',
    'Entra ID rejected the certificate assertion (certificate not registered on the app, or signature invalid)',
  ],
  700024: [
    'invalid-credentials',
    'the certificate assertion is outside its validity window (check the clock)',
  ],
  50027: ['invalid-credentials', 'Entra ID could not read the certificate assertion'],
  90002: ['unknown-tenant', 'the tenant does not exist in this cloud'],
  900023: ['unknown-tenant', 'the tenant identifier is neither a tenant id nor a verified domain'],
  90072: ['unknown-tenant', 'the signed-in account does not exist in the tenant'],
  700016: ['unknown-client', 'the application (client) id is not known in the tenant'],
  7000112: ['unknown-client', 'the application is disabled in the tenant'],
  65001: ['not-authorized', 'the app has not been granted consent in the tenant'],
  65004: ['not-authorized', 'the user declined consent'],
  90094: ['not-authorized', 'an administrator must grant consent'],
  500011: ['not-authorized', 'Microsoft Graph is not available to the app in the tenant'],
  50105: ['not-authorized', 'the signed-in user is not assigned to the app'],
  53003: ['not-authorized', 'a Conditional Access policy blocked the sign-in'],
  70000: ['invalid-grant', 'the authorization code or refresh token is invalid, expired or already used'],
  70008: ['invalid-grant', 'the authorization code or refresh token has expired'],
  9002313: ['invalid-grant', 'the refresh token or authorization code is malformed or invalid'],
  700082: ['invalid-grant', 'the refresh token expired after a period of inactivity'],
  50173: ['invalid-grant', 'the grant expired because the user changed their password or was signed out'],
  54005: ['invalid-grant', 'the authorization code was already redeemed'],
  50148: ['invalid-grant', 'the redirect URI does not match the one of the authorization request'],
  501481: ['invalid-grant', 'the PKCE code verifier does not match the code challenge'],
};

/** Fallbacks by OAuth `error` when the AADSTS code is unknown. */
const BY_ERROR: Readonly<Record<string, readonly [ProviderErrorCode, string]>> = {
  invalid_client: ['invalid-credentials', 'Entra ID rejected the client credentials'],
  unauthorized_client: ['unknown-client', 'Entra ID does not accept this client in the tenant'],
  invalid_grant: ['invalid-grant', 'Entra ID refused the grant'],
  interaction_required: ['invalid-grant', 'the user must sign in again'],
  consent_required: ['not-authorized', 'consent is required'],
  access_denied: ['not-authorized', 'access was denied'],
};

/** The AADSTS number in an `error_codes` array or at the start of a description; the description itself is never kept. */
export function aadstsOf(errorCodes: unknown, description?: unknown): number | undefined {
  if (Array.isArray(errorCodes) && typeof errorCodes[0] === 'number' && Number.isSafeInteger(errorCodes[0]))
    return errorCodes[0];
  if (typeof description === 'string') {
    const m = /\bAADSTS(\d{1,9})\b/.exec(description.slice(0, 200));
    if (m?.[1]) return Number(m[1]);
  }
  return undefined;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); bounded to a day. */
export function retryAfterSeconds(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  const seconds = /^\d{1,9}$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 86_400) : undefined;
}

/**
 * Maps an Entra answer to a ProviderError whose message is Ferry's own (the vendor's description can
 * echo input, so it is never copied); `providerCode` is `AADSTS<n>`, else the OAuth error.
 */
export function entraProviderError(failure: EntraFailure): ProviderError {
  const providerCode =
    failure.aadsts !== undefined ? `AADSTS${failure.aadsts}` : safeProviderCode(failure.error);
  const details = {
    ...(providerCode ? { providerCode } : {}),
    ...(failure.status !== undefined ? { status: failure.status } : {}),
  };
  if (failure.status === 429) {
    const retryAfter = failure.retryAfterSeconds;
    return new ProviderError(
      'throttled',
      `Entra ID throttled the request${retryAfter !== undefined ? `; retry after ${retryAfter} s` : ''}`,
      {
        ...details,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      },
    );
  }
  const known =
    (failure.aadsts !== undefined ? AADSTS[failure.aadsts] : undefined) ??
    (failure.error ? BY_ERROR[failure.error] : undefined);
  if (known)
    return new ProviderError(known[0], `${known[1]}${providerCode ? ` (${providerCode})` : ''}`, details);
  if (failure.status !== undefined && failure.status >= 500) {
    const retryAfter = failure.retryAfterSeconds;
    return new ProviderError('provider-error', `Entra ID answered ${failure.status}`, {
      ...details,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  return new ProviderError(
    'provider-error',
    `Entra ID refused the request${providerCode ? ` (${providerCode})` : ''}`,
    details,
  );
}
