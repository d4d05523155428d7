import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { ACCESS_DENIED_RECORDER, AuthModule } from '@ferry/platform/auth';
import { AccountsController } from './accounts/accounts.controller';
import { ApiCallMiddleware } from './api-calls/api-call.middleware';
import { ApiCallRecorder } from './api-calls/api-call.recorder';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { SsoController } from './auth/sso.controller';
import { AuditingAccessDeniedRecorder } from './common/access-denied.recorder';
import { ConnectorOnboardingController } from './connectors/connector-onboarding.controller';
import { ConnectorsController } from './connectors/connectors.controller';
import { GATEWAY_API_OPTIONS, type GatewayApiOptions } from './gateway-api.options';
import { JwksController } from './auth/jwks.controller';
import { MigrationPassesController } from './migration/migration-passes.controller';
import { MigrationProjectsController } from './migration/migration-projects.controller';
import { MigrationReportsController } from './migration/migration-reports.controller';
import { OrgsController } from './orgs/orgs.controller';

/**
 * The public HTTP API, /api/v1. Every route requires an access token from the identity service and
 * names the permission it needs, except the sign-in steps and the JWKS; each call made with one is
 * audited as `api.call` in its session's log. Requires MessagingModule in the importing app.
 */
@Module({})
export class GatewayApiModule implements NestModule {
  static forRoot(options: GatewayApiOptions): DynamicModule {
    return {
      module: GatewayApiModule,
      imports: [AuthModule.forRoot({ issuer: options.issuer })],
      controllers: [AuthController, SsoController, JwksController, OrgsController, AccountsController, ConnectorsController, ConnectorOnboardingController, AuditController, MigrationProjectsController, MigrationPassesController, MigrationReportsController],
      providers: [
        { provide: GATEWAY_API_OPTIONS, useValue: options },
        { provide: ACCESS_DENIED_RECORDER, useClass: AuditingAccessDeniedRecorder },
        ApiCallRecorder,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiCallMiddleware).forRoutes('*');
  }
}
