/**
 * Why an access token was refused. Header problems (wrong `typ`, no `kid`, unparsable) are
 * `malformed`; `expired` covers the whole validity window (`exp` passed or `nbf` in the future).
 */
export type InvalidTokenReason =
  'malformed' | 'algorithm' | 'signature' | 'expired' | 'issuer' | 'audience' | 'claims' | 'unknown-key';

/**
 * An access token that must not be trusted. The message names the reason only: never the token,
 * never a claim value, and no underlying error is attached (jose's errors carry the payload).
 */
export class InvalidTokenError extends Error {
  constructor(readonly reason: InvalidTokenReason) {
    super(`access token refused: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

/** The signing keys cannot be had right now (identity unreachable and nothing cached). */
export class KeySourceUnavailableError extends Error {
  constructor() {
    super('access token signing keys are unavailable');
    this.name = 'KeySourceUnavailableError';
  }
}
