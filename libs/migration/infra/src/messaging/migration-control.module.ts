import {
  type ClassProvider,
  type DynamicModule,
  type ExistingProvider,
  type FactoryProvider,
  type ModuleMetadata,
  Module,
  type ValueProvider,
} from '@nestjs/common';
import {
  CONNECTOR_DIRECTORY,
  CONTROL_CLOCK,
  type ControlClock,
  ControlPassUseCase,
  CreateProjectUseCase,
  DeleteProjectUseCase,
  ImportMappingsUseCase,
  MIGRATION_AUDIT_TRAIL,
  PROJECT_REPOSITORY,
  ReadMappingsUseCase,
  ReadPassesUseCase,
  ReadProgressUseCase,
  ReadProjectsUseCase,
  ReadReportUseCase,
  StartDuePassesUseCase,
  StartPassUseCase,
  WORK_QUEUE,
} from '@ferry/migration/application';
import { MIGRATION_CONTROL_OPTIONS, type MigrationControlOptions } from './migration-control.options';
import { MigrationPassesRpcHandler } from './migration-passes-rpc.handler';
import { MigrationProjectsRpcHandler } from './migration-projects-rpc.handler';
import { MigrationReportsRpcHandler } from './migration-reports-rpc.handler';
import { NatsConnectorDirectory } from './nats-connector.directory';
import { NatsMigrationAuditTrail } from './nats-migration-audit.trail';

/** How a port is provided, without its token (the module supplies it). */
export type PortProvider =
  | Omit<ClassProvider, 'provide'>
  | Omit<ExistingProvider, 'provide'>
  | Omit<ValueProvider, 'provide'>
  | Omit<FactoryProvider, 'provide'>;

export interface MigrationControlModuleOptions {
  readonly options: MigrationControlOptions;
  /** Modules that provide what `projectRepository` and `workQueue` name (persistence, JetStream queue). */
  readonly imports?: ModuleMetadata['imports'];
  /** The SQL ProjectRepository. */
  readonly projectRepository: PortProvider;
  /** The JetStream WorkQueue. */
  readonly workQueue: PortProvider;
  readonly clock?: ControlClock;
}

const SYSTEM_CLOCK: ControlClock = { now: () => new Date() };

/**
 * The migration control plane in the migration service: the use cases, the RPC handlers of
 * `migration.v1.rpc.*`, the audit trail and the connectors lookup. Requires MessagingModule and
 * AuthModule (AccessTokenVerifier) in the app. Exports StartDuePassesUseCase for the scheduler tick.
 */
@Module({})
export class MigrationControlModule {
  static forRoot(config: MigrationControlModuleOptions): DynamicModule {
    return {
      module: MigrationControlModule,
      imports: [...(config.imports ?? [])],
      providers: [
        { provide: MIGRATION_CONTROL_OPTIONS, useValue: config.options },
        { provide: CONTROL_CLOCK, useValue: config.clock ?? SYSTEM_CLOCK },
        { provide: PROJECT_REPOSITORY, ...config.projectRepository },
        { provide: WORK_QUEUE, ...config.workQueue },
        { provide: MIGRATION_AUDIT_TRAIL, useClass: NatsMigrationAuditTrail },
        { provide: CONNECTOR_DIRECTORY, useClass: NatsConnectorDirectory },
        CreateProjectUseCase,
        ReadProjectsUseCase,
        DeleteProjectUseCase,
        ImportMappingsUseCase,
        ReadMappingsUseCase,
        StartPassUseCase,
        ReadPassesUseCase,
        ControlPassUseCase,
        StartDuePassesUseCase,
        ReadProgressUseCase,
        ReadReportUseCase,
        MigrationProjectsRpcHandler,
        MigrationPassesRpcHandler,
        MigrationReportsRpcHandler,
      ],
      exports: [StartDuePassesUseCase],
    };
  }
}
