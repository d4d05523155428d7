import { createHash } from 'node:crypto';
import { CopyBatchUseCase, PlanMailboxUseCase, type ThrottleGovernor, type WorkLimits } from '@ferry/migration/application';
import type { ScopeBudget, ThrottleScopeKind } from '@ferry/migration/domain';
import { SandboxAccess } from '@ferry/migration/testing';
import { MessagingClient, type MessagingLogger } from '@ferry/platform/messaging';
import { createServiceDataSource } from '@ferry/platform/persistence';
import { TEST_NATS_URL } from '@ferry/platform/testing';
import type { Sandbox, SandboxEndpoints } from '@ferry/sandbox';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { MIGRATION_ENTITIES, MIGRATION_MIGRATIONS } from '../persistence/migration-schema';
import { TypeormReferenceStore } from '../persistence/typeorm-reference.store';
import { TypeormRunStore } from '../persistence/typeorm-run.store';
import { JetStreamWorkQueue, type WorkQueueLimits } from '../queue/jetstream-work.queue';
import { MailAdapterRegistry } from '../service/mail-adapter.registry';
import { createKvThrottleGovernor } from '../throttle/kv-throttle.governor';
import { createLocalThrottleGovernor } from '../throttle/local-throttle.governor';
import type { ThrottleTuning } from '../throttle/throttle-governor.options';
import { ActiveProjects } from '../worker/active-projects';
import { MigrationWorker } from '../worker/migration-worker';
import { HttpRequestRecorder } from './http-request.recorder';
import { UNLIMITED_GOVERNOR } from './unlimited-throttle.governor';

/** Which throttle governor a bench worker uses: none (admit all), in-process state, or NATS KV. */
export type BenchGovernorKind = 'none' | 'local' | 'kv';

/** Everything a bench worker needs; plain JSON, so a parent can hand it to a child process. */
export interface BenchWorkerConfig {
  readonly natsPrefix: string;
  readonly databaseUrl: string;
  readonly endpoints: SandboxEndpoints;
  readonly governor: BenchGovernorKind;
  /** Budgets replacing the governor's defaults per scope kind (e.g. scaled-down sandbox limits). */
  readonly budgets?: Partial<Record<ThrottleScopeKind, ScopeBudget>>;
  readonly tuning?: Partial<ThrottleTuning>;
  /** Work items at once (FERRY_WORKER_CONCURRENCY, default 8). */
  readonly concurrency: number;
  readonly limits: WorkLimits;
  readonly queue: WorkQueueLimits;
  /** FERRY_SMALL_MESSAGE_MIB in bytes (default 3 MiB). */
  readonly smallMessageBytes?: number;
  /** Database connections of this worker (default 10). */
  readonly poolMax?: number;
  /** Record this process's Graph mailbox requests (times, statuses, Retry-After, upload bytes). */
  readonly recordHttp?: boolean;
  /** A worker child's V8 heap growth (FERRY_WORKER_HEAP_GROWING_PERCENT; default the service's, 0: V8's own). */
  readonly heapGrowingPercent?: number;
}

/** A running bench worker and what it measured. */
export interface BenchWorker {
  readonly metrics: WorkerMetrics;
  /** Present when the configuration asked for `recordHttp`. */
  readonly http: HttpRequestRecorder | undefined;
  /** Stops consuming and closes; resolves whether the worker's own stop hung (see STOP_WAIT_MS). */
  stop(): Promise<{ readonly stopHung: boolean }>;
}

/**
 * How long stop waits for MigrationWorker.stop before closing the connections under it: the fair
 * consumer's pump can sit in a no_wait fetch that never ends (reported with the benchmarks).
 */
const STOP_WAIT_MS = 10_000;

/** The environment variable that makes a bench worker log its consumer's retries and failures to stderr. */
export const BENCH_WORKER_DEBUG_ENV = 'FERRY_BENCH_DEBUG';

/** A logger for the worker's messaging client when FERRY_BENCH_DEBUG is set (benchmark children are silent otherwise). */
function debugLogger(): { logger?: MessagingLogger } {
  if (!process.env[BENCH_WORKER_DEBUG_ENV]) return {};
  const line = (level: string) => (message: string, context?: string) => process.stderr.write(`[worker ${process.pid}] ${level} ${context ?? ''}: ${message}\n`);
  return { logger: { log: line('log'), warn: line('warn'), error: line('error') } };
}

/**
 * The sandbox seen through its endpoints only, for SandboxAccess: Google assertions are dated by the
 * wall clock (the benchmarks never move the sandbox's clock), so a sandbox in another process works.
 */
function remoteSandbox(endpoints: SandboxEndpoints): Sandbox {
  return { endpoints, context: { clock: { now: () => Date.now() } } } as unknown as Sandbox;
}

async function benchGovernor(config: BenchWorkerConfig, messaging: MessagingClient, metrics: WorkerMetrics): Promise<ThrottleGovernor> {
  const options = { metrics, ...(config.budgets ? { budgets: config.budgets } : {}), ...(config.tuning ? { tuning: config.tuning } : {}) };
  switch (config.governor) {
    case 'none':
      return UNLIMITED_GOVERNOR;
    case 'local':
      return createLocalThrottleGovernor(options);
    case 'kv':
      return createKvThrottleGovernor(messaging, options);
  }
}

/**
 * One migration worker wired as the service's worker role is (MigrationServiceModule): the real
 * Gmail, Graph and IMAP adapters through MailAdapterRegistry, the TypeORM stores, the JetStream
 * queue and the fair consumer, WorkerMetrics; but tokens come straight from the sandbox
 * (SandboxAccess, not the broker), outbound HTTPS may reach 127.0.0.1, and the governor is chosen.
 */
export async function startBenchWorker(config: BenchWorkerConfig): Promise<BenchWorker> {
  const db = createServiceDataSource({ url: config.databaseUrl, service: 'migration', entities: MIGRATION_ENTITIES, migrations: [...MIGRATION_MIGRATIONS], poolMax: config.poolMax ?? 10 });
  await db.initialize();
  const messaging = new MessagingClient({ servers: [TEST_NATS_URL], service: 'migration', region: 'bench', prefix: config.natsPrefix, maxConnectBackoffMs: 500, drainTimeoutMs: 5000, ...debugLogger() });
  const metrics = new WorkerMetrics();
  const governor = await benchGovernor(config, messaging, metrics);
  const adapters = new MailAdapterRegistry(
    {
      graphOrigin: new URL(config.endpoints.graph).origin,
      googleApiRoot: config.endpoints.googleRoot,
      outbound: { allow: ['127.0.0.1'], deny: [] },
      smallMessageBytes: config.smallMessageBytes ?? 3 * 1024 * 1024,
    },
    new SandboxAccess(remoteSandbox(config.endpoints)),
    governor,
  );
  // A mailbox's pseudonym names its throttle scopes, so it must tell mailboxes apart (the service uses a keyed HMAC).
  const runs = new TypeormRunStore(db, (address) => `mbx-${createHash('sha256').update(address).digest('hex').slice(0, 16)}`);
  const refs = new TypeormReferenceStore(db);
  const queue = new JetStreamWorkQueue(messaging, config.queue);
  const active = new ActiveProjects(db, 500);
  const worker = new MigrationWorker(
    messaging,
    new PlanMailboxUseCase(runs, refs, adapters, queue, config.limits),
    new CopyBatchUseCase(runs, refs, adapters, config.limits, metrics),
    { concurrency: config.concurrency, queue: config.queue, projectActive: (id) => active.has(id), deferMs: 500 },
    metrics,
  );
  const http = config.recordHttp ? new HttpRequestRecorder().start() : undefined;
  await worker.start();
  return {
    metrics,
    http,
    stop: async () => {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), STOP_WAIT_MS)));
      const stopHung = await Promise.race([worker.stop().then(() => false as const), hung]);
      clearTimeout(timer);
      await messaging.close();
      await db.destroy();
      http?.stop();
      return { stopHung };
    },
  };
}
