import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { CopyBatchUseCase, type MailAdapters, PlanMailboxUseCase, type ThrottleGovernor } from '@ferry/migration/application';
import { loadServicePrivateKey, ServiceTokenSigner } from '@ferry/platform/auth';
import { ActorKind, Outcome } from '@ferry/contracts';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { Pseudonymizer } from '@ferry/platform/telemetry';
import { DataSource } from 'typeorm';
import { BrokerAccessProvider } from '../access/broker-access.provider';
import { MigrationControlModule } from '../messaging/migration-control.module';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { TypeormProjectRepository } from '../persistence/typeorm-project.repository';
import { TypeormReferenceStore } from '../persistence/typeorm-reference.store';
import { TypeormRunStore } from '../persistence/typeorm-run.store';
import { JetStreamWorkQueue } from '../queue/jetstream-work.queue';
import { createKvThrottleGovernor } from '../throttle/kv-throttle.governor';
import { ActiveProjects } from '../worker/active-projects';
import { MigrationWorker } from '../worker/migration-worker';
import { MailAdapterRegistry } from './mail-adapter.registry';
import { MetricsController } from './metrics.controller';
import { MIGRATION_SERVICE_OPTIONS, type MigrationServiceOptions } from './migration-service.options';
import { PassScheduler } from './pass-scheduler';
import { WorkerLifecycle } from './worker-lifecycle';

const GOVERNOR = Symbol('ThrottleGovernor');
const ADAPTERS = Symbol('MailAdapters');

/**
 * The migration service: the control plane and pass scheduler (role planner), the worker with its
 * adapters, governor and metrics (role worker), or both (role all). Requires the service kit (NATS,
 * the database, the pseudonymizer) and AuthModule in the app.
 */
@Module({})
export class MigrationServiceModule {
  static forRoot(options: MigrationServiceOptions): DynamicModule {
    const planner = options.role !== 'worker';
    const worker = options.role !== 'planner';
    const shared: Provider[] = [
      { provide: MIGRATION_SERVICE_OPTIONS, useValue: options },
      { provide: JetStreamWorkQueue, useFactory: (m: MessagingClient) => new JetStreamWorkQueue(m, options.worker.queue), inject: [MessagingClient] },
    ];
    const workerProviders: Provider[] = [
      WorkerMetrics,
      { provide: GOVERNOR, useFactory: (m: MessagingClient, metrics: WorkerMetrics) => createKvThrottleGovernor(m, { metrics }), inject: [MessagingClient, WorkerMetrics] },
      {
        provide: BrokerAccessProvider,
        // A key file that does not load (missing, readable by others, not P-256) fails start-up.
        useFactory: async (m: MessagingClient) => new BrokerAccessProvider(m, new ServiceTokenSigner({ service: 'migration', privateKey: await loadServicePrivateKey(options.serviceKeyFile) })),
        inject: [MessagingClient],
      },
      { provide: ADAPTERS, useFactory: (access: BrokerAccessProvider, governor: ThrottleGovernor) => new MailAdapterRegistry(options.adapters, access, governor), inject: [BrokerAccessProvider, GOVERNOR] },
      {
        provide: TypeormRunStore,
        useFactory: (db: DataSource, p: Pseudonymizer, m: MessagingClient) =>
          new TypeormRunStore(db, (a) => p.pseudonym(a), undefined, (pass) =>
            // The workers finish passes: the audit record names the service as the actor.
            publishAuditEvent(m, options.region, {
              orgId: pass.orgId,
              actor: { kind: ActorKind.SERVICE, id: 'migration' },
              action: `migration.pass.${pass.status}`,
              target: { type: 'pass', id: pass.passId },
              outcome: Outcome.SUCCESS,
              sourceAddress: '',
              userAgent: '',
              detail: { projectId: pass.projectId },
            }),
          ),
        inject: [DataSource, Pseudonymizer, MessagingClient],
      },
      { provide: TypeormReferenceStore, useFactory: (db: DataSource) => new TypeormReferenceStore(db), inject: [DataSource] },
      {
        provide: MigrationWorker,
        useFactory: (m: MessagingClient, db: DataSource, runs: TypeormRunStore, refs: TypeormReferenceStore, adapters: MailAdapters, queue: JetStreamWorkQueue, metrics: WorkerMetrics) => {
          const active = new ActiveProjects(db);
          return new MigrationWorker(
            m,
            new PlanMailboxUseCase(runs, refs, adapters, queue, options.worker.limits),
            new CopyBatchUseCase(runs, refs, adapters, options.worker.limits, metrics),
            { concurrency: options.worker.concurrency, mailboxBatches: options.worker.mailboxBatches, ...(options.worker.queue ? { queue: options.worker.queue } : {}), projectActive: (id) => active.has(id) },
            metrics,
          );
        },
        inject: [MessagingClient, DataSource, TypeormRunStore, TypeormReferenceStore, ADAPTERS, JetStreamWorkQueue, WorkerMetrics],
      },
      WorkerLifecycle,
    ];
    return {
      module: MigrationServiceModule,
      imports: planner
        ? [
            MigrationControlModule.forRoot({
              options: { region: options.region },
              imports: [MigrationQueueModule.forRoot(options)],
              projectRepository: { useFactory: (db: DataSource) => new TypeormProjectRepository(db), inject: [DataSource] },
              workQueue: { useExisting: JetStreamWorkQueue },
            }),
          ]
        : [],
      controllers: worker ? [MetricsController] : [],
      providers: [...shared, ...(worker ? workerProviders : []), ...(planner ? [PassScheduler] : [])],
    };
  }
}

/** The work queue, for the control plane's module (which publishes plans and purges cancelled passes). */
@Module({})
class MigrationQueueModule {
  static forRoot(options: MigrationServiceOptions): DynamicModule {
    return {
      module: MigrationQueueModule,
      providers: [{ provide: JetStreamWorkQueue, useFactory: (m: MessagingClient) => new JetStreamWorkQueue(m, options.worker.queue), inject: [MessagingClient] }],
      exports: [JetStreamWorkQueue],
    };
  }
}
