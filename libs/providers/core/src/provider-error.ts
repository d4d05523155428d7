/**
 * Why a call to Microsoft, Google or an IMAP server failed, in words an operator can act on. Shared by
 * every provider adapter so the connectors service maps them to one set of API answers.
 */
export type ProviderErrorCode =
  /** The secret, certificate, key or password was rejected. */
  | 'invalid-credentials'
  /** The tenant, customer, user or host does not exist. */
  | 'unknown-tenant'
  /** The app registration, OAuth client or service account is unknown to the tenant. */
  | 'unknown-client'
  /** Authenticated, but a permission, scope, consent or delegation is missing. */
  | 'not-authorized'
  /** A refresh token or authorization code is expired, revoked or already used. */
  | 'invalid-grant'
  /** Network, DNS, TLS or timeout failure. */
  | 'unreachable'
  /** The destination was refused by the SSRF guard. */
  | 'destination-refused'
  /** The provider throttled the call; see `retryAfterSeconds`. */
  | 'throttled'
  /** Operator input (a key file, a certificate, a CSV row) is malformed. */
  | 'invalid-input'
  /** Anything else the provider answered, e.g. a 5xx. */
  | 'provider-error';

const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set(['unreachable', 'throttled', 'provider-error']);

/**
 * A provider failure. The message is written by Ferry and never contains a secret, a token or a user
 * address; `providerCode` is the vendor's machine code (e.g. `AADSTS7000215`, `unauthorized_client`,
 * `AUTHENTICATIONFAILED`), never the vendor's free text, which can echo what was sent.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: { readonly providerCode?: string; readonly retryAfterSeconds?: number; readonly status?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = RETRYABLE.has(code);
  }
}

/** A vendor error code is shown only if it looks like one: short and without spaces or punctuation that could carry data. */
export function safeProviderCode(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : undefined;
}
