import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { MessagingClient } from '@ferry/platform/messaging';
import { AccessGuard } from './access.guard';
import { AccessTokenVerifier } from './access-token.verifier';
import type { JwksSource } from './jwks-source';
import { NatsJwksSource } from './nats-jwks.source';

/** Injection token of the key source the verifier uses (a NatsJwksSource). */
export const JWKS_SOURCE = Symbol('JwksSource');

export interface AuthModuleOptions {
  /** The `iss` of identity's tokens (FERRY_IDENTITY_ISSUER). */
  readonly issuer: string;
  /** How long identity's JWK Set is cached, in milliseconds. Default 5 minutes. */
  readonly jwksCacheMs?: number;
}

/**
 * Token verification and the AccessGuard for a service. Global, so every feature module's
 * controllers can `@UseGuards(AccessGuard)`. Needs MessagingModule (ServiceKitModule provides it)
 * to fetch identity's keys. An AccessDeniedRecorder, if any, is provided by the app under
 * ACCESS_DENIED_RECORDER, where the guarded controllers can see it.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    if (!options.issuer) throw new Error('AuthModule needs the identity issuer');
    return {
      module: AuthModule,
      global: true,
      providers: [
        {
          provide: JWKS_SOURCE,
          useFactory: (messaging: MessagingClient): JwksSource =>
            new NatsJwksSource(messaging, {
              ...(options.jwksCacheMs === undefined ? {} : { cacheMs: options.jwksCacheMs }),
              logger: new Logger('NatsJwksSource'),
            }),
          inject: [MessagingClient],
        },
        {
          provide: AccessTokenVerifier,
          useFactory: (keys: JwksSource) => new AccessTokenVerifier(keys, { issuer: options.issuer }),
          inject: [JWKS_SOURCE],
        },
        AccessGuard,
      ],
      exports: [JWKS_SOURCE, AccessTokenVerifier, AccessGuard],
    };
  }
}
