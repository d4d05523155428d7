export { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token.verifier';
export { InvalidTokenError, type InvalidTokenReason, KeySourceUnavailableError } from './errors';
export { type JwksSource, StaticJwksSource, type VerificationKey } from './jwks-source';
export { NatsJwksSource, type NatsJwksSourceOptions } from './nats-jwks.source';
export { Public, RequirePermission } from './access-metadata.decorators';
export { bearerToken, verifiedClaims } from './authenticated-request';
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
export {
  SERVICE_NAME_PATTERN,
  SERVICE_TOKEN_ALGORITHM,
  SERVICE_TOKEN_LIFETIME_SECONDS,
  SERVICE_TOKEN_TYPE,
  isServiceName,
  serviceOfPrincipal,
  servicePrincipal,
} from './service-identity';
export { ServiceKeyError, ServiceTokenError, type ServiceTokenReason } from './service-identity.errors';
export { serviceKeyId, servicePrivateKey, servicePublicKey, servicePublicKeys } from './service-key.parser';
export { loadServicePrivateKey, loadTrustedServiceKeys } from './service-keys';
export { ServiceTokenSigner, type ServiceTokenSignerOptions } from './service-token.signer';
export { ServiceTokenVerifier, type ServiceTokenVerifierOptions } from './service-token.verifier';
export type { VerifiedServiceToken } from './service-token.cache';
