export { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token.verifier';
export { InvalidTokenError, type InvalidTokenReason, KeySourceUnavailableError } from './errors';
export { type JwksSource, StaticJwksSource, type VerificationKey } from './jwks-source';
export { NatsJwksSource, type NatsJwksSourceOptions } from './nats-jwks.source';
export { Public, RequirePermission } from './access-metadata.decorators';
export { bearerToken } from './authenticated-request';
export { BearerToken, CurrentClaims } from './request-context.decorators';
export { AccessGuard, ORG_ROUTE_PARAM } from './access.guard';
export {
  ACCESS_DENIED_RECORDER,
  type AccessDenial,
  type AccessDenialReason,
  type AccessDeniedRecorder,
} from './access-denied.recorder';
export { authenticateCall, authorizeCall } from './authorize-call';
export { AuthModule, type AuthModuleOptions, JWKS_SOURCE } from './auth.module';
