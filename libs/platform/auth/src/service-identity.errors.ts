/**
 * Why a service token was refused. Header problems (unparsable, extra parameters, no `kid`) are
 * `malformed`; `lifetime` is a token valid for longer than Ferry ever issues.
 */
export type ServiceTokenReason =
  | 'malformed'
  | 'algorithm'
  | 'type'
  | 'unknown-key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'lifetime'
  | 'claims';

/**
 * A service token that must not be trusted. The message names the reason only: never the token, never
 * a claim value, and no underlying error is attached (jose's claim errors carry the decoded payload).
 */
export class ServiceTokenError extends Error {
  constructor(readonly reason: ServiceTokenReason) {
    super(`service token refused: ${reason}`);
    this.name = 'ServiceTokenError';
  }
}

/**
 * A service key (private key file, trust directory, or a key handed to the signer or verifier) that
 * cannot be used. The message names the file and what is wrong with it, never the key material.
 */
export class ServiceKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceKeyError';
  }
}
