import {
  DynamicModule,
  InjectionToken,
  Logger,
  Module,
  ModuleMetadata,
  OptionalFactoryDependency,
  Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseConnectionService } from './database-connection.service';
import { DatabaseReadinessProbe } from './database-readiness.probe';
import { PERSISTENCE_LOGGER, PersistenceLogger } from './persistence.logger';
import {
  PERSISTENCE_MODULE_DEFAULTS as D,
  PERSISTENCE_MODULE_OPTIONS,
  PersistenceModuleOptions,
} from './persistence-module.options';
import { createServiceDataSource } from './service-data-source.factory';
import { serviceDataSourceInfo } from './service-data-source.registry';

/** Options for {@link PersistenceModule.forServiceAsync}, e.g. to read the URL from the config module. */
export interface PersistenceModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  readonly useFactory: (...deps: never[]) => PersistenceModuleOptions | Promise<PersistenceModuleOptions>;
}

/**
 * Provides the service's TypeORM `DataSource` (global within the app), a
 * {@link DatabaseConnectionService} that connects and migrates in the background, and a
 * {@link DatabaseReadinessProbe} for the health endpoint.
 */
@Module({})
export class PersistenceModule {
  /** Configures persistence for one service. */
  static forService(options: PersistenceModuleOptions): DynamicModule {
    return PersistenceModule.build({ provide: PERSISTENCE_MODULE_OPTIONS, useValue: options });
  }

  /** Configures persistence from injected dependencies (configuration, logger). */
  static forServiceAsync(options: PersistenceModuleAsyncOptions): DynamicModule {
    return {
      ...PersistenceModule.build({
        provide: PERSISTENCE_MODULE_OPTIONS,
        useFactory: options.useFactory,
        inject: options.inject ?? [],
      }),
      imports: options.imports ?? [],
    };
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        optionsProvider,
        {
          provide: PERSISTENCE_LOGGER,
          // Nest's Logger forwards to whatever logger the application installed.
          useFactory: (o: PersistenceModuleOptions): PersistenceLogger => o.logger ?? new Logger(),
          inject: [PERSISTENCE_MODULE_OPTIONS],
        },
        {
          provide: DataSource,
          useFactory: (o: PersistenceModuleOptions, logger: PersistenceLogger) =>
            createServiceDataSource({ ...o, logger }),
          inject: [PERSISTENCE_MODULE_OPTIONS, PERSISTENCE_LOGGER],
        },
        DatabaseConnectionService,
        {
          provide: DatabaseReadinessProbe,
          useFactory: (connection: DatabaseConnectionService, o: PersistenceModuleOptions) =>
            new DatabaseReadinessProbe(
              connection,
              o.probeTimeoutMs ?? D.probeTimeoutMs,
              serviceDataSourceInfo(connection.dataSource).secret,
            ),
          inject: [DatabaseConnectionService, PERSISTENCE_MODULE_OPTIONS],
        },
      ],
      exports: [DataSource, DatabaseConnectionService, DatabaseReadinessProbe],
    };
  }
}
