import { ProviderError, safeProviderCode } from '@ferry/providers/core';

/** Which grant failed: the service account's JWT bearer grant, or an OAuth client's code/refresh grant. */
export type GoogleGrantKind = 'service-account' | 'oauth-client';

/** A token endpoint's failure as received: status, OAuth `error`, `error_description`, `Retry-After`. */
export interface TokenEndpointFailure {
  readonly status: number;
  readonly error?: unknown;
  /** Read to tell apart `invalid_grant` cases, never copied into a message (it can echo the request). */
  readonly description?: unknown;
  readonly retryAfter?: string | null;
}

/** Seconds from a Retry-After header (delta-seconds only; Google sends no dates), bounded to an hour. */
export function retryAfterSeconds(header: string | null | undefined): number | undefined {
  if (!header || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()), 3600);
}

/**
 * Maps a Google token endpoint refusal to a ProviderError in Ferry's words. `providerCode` is the OAuth
 * `error` value when it looks like a code; the description only selects among `invalid_grant` causes.
 */
export function tokenEndpointError(kind: GoogleGrantKind, failure: TokenEndpointFailure): ProviderError {
  const providerCode = safeProviderCode(failure.error);
  const description = typeof failure.description === 'string' ? failure.description.slice(0, 500) : '';
  const details = { ...(providerCode ? { providerCode } : {}), status: failure.status };
  const err = (
    code: ConstructorParameters<typeof ProviderError>[0],
    message: string,
    extra: { retryAfterSeconds?: number } = {},
  ) => new ProviderError(code, `Google token endpoint: ${message}`, { ...details, ...extra });

  if (failure.status === 429 || failure.error === 'rate_limit_exceeded') {
    const retry = retryAfterSeconds(failure.retryAfter);
    return err(
      'throttled',
      'too many token requests; try again later',
      retry === undefined ? {} : { retryAfterSeconds: retry },
    );
  }
  if (failure.status >= 500) return err('provider-error', `Google answered ${failure.status}`);
  switch (failure.error) {
    case 'unauthorized_client':
      return kind === 'service-account'
        ? err(
            'not-authorized',
            'the service account is not authorised for the requested scopes (domain-wide delegation)',
          )
        : err('not-authorized', 'the OAuth client is not authorised for this grant');
    case 'access_denied':
    case 'admin_policy_enforced':
      return err('not-authorized', 'an administrator policy denies this access');
    case 'invalid_grant':
      return kind === 'service-account'
        ? serviceAccountGrantError(description, err)
        : err('invalid-grant', 'the authorization code or refresh token is expired, revoked or already used');
    case 'invalid_client':
      if (/not found|deleted/i.test(description))
        return err(
          'unknown-client',
          kind === 'service-account'
            ? 'Google does not know the service account (deleted?)'
            : 'Google does not know the OAuth client',
        );
      return err(
        'invalid-credentials',
        kind === 'service-account'
          ? 'the service account was refused'
          : 'the OAuth client id or secret was refused',
      );
    case 'disabled_client':
      return err(
        'invalid-credentials',
        kind === 'service-account' ? 'the service account is disabled' : 'the OAuth client is disabled',
      );
    case 'invalid_scope':
      return err('invalid-input', 'a requested scope is not valid');
    case 'redirect_uri_mismatch':
      return err('invalid-input', 'the redirect URI is not registered for the OAuth client');
    default:
      return err('provider-error', `the request was refused (${failure.status})`);
  }
}

type Make = (code: ConstructorParameters<typeof ProviderError>[0], message: string) => ProviderError;

function serviceAccountGrantError(description: string, err: Make): ProviderError {
  if (/invalid email or user id/i.test(description)) {
    return err('unknown-tenant', 'the user to act as does not exist in the Workspace domain or is suspended');
  }
  if (/account not found/i.test(description))
    return err('unknown-client', 'Google does not know the service account (deleted?)');
  if (/short-lived|timeframe|iat|exp\b/i.test(description)) {
    return err(
      'invalid-credentials',
      "the assertion's validity window was refused: check this server's clock",
    );
  }
  // "Invalid JWT Signature." is what Google answers for a deleted, replaced or wrong key.
  return err(
    'invalid-credentials',
    "the service-account key was refused (deleted, replaced or not this account's key)",
  );
}
