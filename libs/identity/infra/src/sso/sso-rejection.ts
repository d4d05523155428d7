import { SsoRejectedError } from '@ferry/identity/application';

/** Why a sign-in at an identity provider was refused; the code goes into the audit record. */
export type SsoRejectionReason =
  /** The callback carried `error=` (the user cancelled, consent was denied, the IdP failed). */
  | 'idp-error'
  | 'state-mismatch'
  | 'nonce-mismatch'
  | 'issuer'
  | 'audience'
  | 'signature'
  | 'expired'
  /** The Entra tenant is not the one the flow started with, or not a tenant id at all. */
  | 'tenant'
  /** A claim the identity needs is missing or malformed. */
  | 'claims'
  /** Entra sent no `groups` because the user is in more groups than a token holds (see README). */
  | 'groups-overage'
  | 'unverified-email'
  /** The token endpoint refused the code (replayed, expired, wrong verifier) or could not be reached. */
  | 'token-exchange'
  /** The provider's discovery document could not be fetched or is not the configured issuer's. */
  | 'discovery'
  | 'not-configured';

/** Throws the port's error; its message is the code alone, never a token, code or address. */
export function reject(reason: SsoRejectionReason): never {
  throw new SsoRejectedError(reason);
}

interface Coded {
  readonly code?: unknown;
  readonly cause?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The library's detail object: the innermost `cause` (openid-client wraps oauth4webapi's errors). */
function detailOf(error: Coded): Record<string, unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isObject(current) && isObject(current['cause']); depth++)
    current = current['cause'];
  return isObject(current) ? current : {};
}

/**
 * Maps an error thrown while exchanging the code and validating the ID token (openid-client 6 /
 * oauth4webapi 3 error codes) to a rejection reason. Anything unrecognised is a failed exchange:
 * refused either way, never accepted.
 */
export function rejectionReason(error: unknown): SsoRejectionReason {
  if (error instanceof SsoRejectedError) return error.reason as SsoRejectionReason;
  if (!isObject(error)) return 'token-exchange';
  const detail = detailOf(error);
  switch (error['code']) {
    case 'OAUTH_AUTHORIZATION_RESPONSE_ERROR':
      return 'idp-error';
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      switch (detail['claim']) {
        case 'iss':
          return 'issuer';
        case 'aud':
        case 'azp':
          return 'audience';
        case 'nonce':
          return 'nonce-mismatch';
        default:
          return 'claims';
      }
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      // A discovery document that names another issuer.
      return detail['attribute'] === 'issuer' ? 'issuer' : 'claims';
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return detail['claim'] === 'exp' ? 'expired' : 'claims';
    case 'OAUTH_KEY_SELECTION_FAILED':
      return 'signature';
    case 'OAUTH_INVALID_RESPONSE':
      // A failed signature carries the signature bytes; a refused `alg` the JOSE header; a missing
      // or mistyped claim the claims. Other invalid responses are the token endpoint's.
      if ('signature' in detail || 'header' in detail) return 'signature';
      if ('claims' in detail) return 'claims';
      return 'token-exchange';
    case 'OAUTH_UNSUPPORTED_OPERATION':
      return 'alg' in detail ? 'signature' : 'token-exchange';
    default:
      return 'token-exchange';
  }
}
