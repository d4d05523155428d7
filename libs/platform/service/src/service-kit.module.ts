import { type DynamicModule, Global, type LoggerService, Module } from '@nestjs/common';
import type { BaseServiceConfig } from '@ferry/platform/config';
import { HealthModule } from '@ferry/platform/health';
import { MessagingClient, MessagingModule } from '@ferry/platform/messaging';
import { DatabaseReadinessProbe, PersistenceModule, type ServiceDataSourceOptions } from '@ferry/platform/persistence';
import { Pseudonymizer } from '@ferry/platform/telemetry';
import { SERVICE_CONFIG } from './service-config';

/** What a service that owns tables hands to the kit. */
export interface ServiceDatabase {
  readonly entities: ServiceDataSourceOptions['entities'];
  readonly migrations: ServiceDataSourceOptions['migrations'];
}

export interface ServiceKitOptions {
  readonly service: string;
  readonly config: BaseServiceConfig;
  readonly logger: LoggerService;
  readonly pseudonymizer: Pseudonymizer;
  /** Present for services that own tables; readiness then waits for the database too. */
  readonly database?: ServiceDatabase;
}

/**
 * The platform every service stands on: its configuration, NATS (messaging), its database schema
 * (persistence), and /health/live + /health/ready over both.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const { config, service, logger, database } = options;
    if (database && !config.DATABASE_URL) throw new Error(`${service} owns tables but DATABASE_URL is not set`);
    return {
      module: ServiceKitModule,
      imports: [
        MessagingModule.forRoot({
          servers: config.NATS_URL,
          service,
          region: config.FERRY_REGION,
          prefix: config.FERRY_NATS_PREFIX ?? '',
          tls: {
            ...(config.NATS_TLS_CA ? { caFile: config.NATS_TLS_CA } : {}),
            ...(config.NATS_TLS_CERT ? { certFile: config.NATS_TLS_CERT } : {}),
            ...(config.NATS_TLS_KEY ? { keyFile: config.NATS_TLS_KEY } : {}),
          },
          drainTimeoutMs: Math.max(1000, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2)),
          logger,
        }),
        ...(database && config.DATABASE_URL
          ? [
              PersistenceModule.forService({
                url: config.DATABASE_URL,
                service,
                entities: database.entities,
                migrations: database.migrations,
                logger,
                shutdownTimeoutMs: Math.max(1000, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2)),
              }),
            ]
          : []),
        HealthModule.forRoot({ probes: [MessagingClient, ...(database ? [DatabaseReadinessProbe] : [])] }),
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: Pseudonymizer, useValue: options.pseudonymizer },
      ],
      exports: [SERVICE_CONFIG, Pseudonymizer],
    };
  }
}
