import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Events } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { PLAN_LANE_PREFIX, WORK_LANE_PREFIX } from '../queue/jetstream-work.queue';
import { MigrationWorker } from '../worker/migration-worker';
import { DEFAULT_HEAP_GROWING_PERCENT, tuneWorkerHeap } from '../worker/worker-heap';
import { MIGRATION_SERVICE_OPTIONS, type MigrationServiceOptions } from './migration-service.options';

/** How often queue lag is read from the server for the metrics. */
const LAG_INTERVAL_MS = 5000;

/**
 * Tunes the heap for carrying messages and starts the worker once the app is up, stops it (in-flight
 * items finish) on shutdown, and samples queue lag.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MigrationWorker) private readonly worker: MigrationWorker,
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
    @Inject(MIGRATION_SERVICE_OPTIONS) private readonly options: MigrationServiceOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    tuneWorkerHeap(this.options.worker.heapGrowingPercent ?? DEFAULT_HEAP_GROWING_PERCENT);
    await this.worker.start();
    this.timer = setInterval(() => void this.sampleLag(), LAG_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.worker.stop();
  }

  private async sampleLag(): Promise<void> {
    try {
      const [backlog, planning] = await Promise.all([WORK_LANE_PREFIX, PLAN_LANE_PREFIX].map((prefix) => this.messaging.laneBacklog(Events.migrationWork, prefix)));
      let lag = 0;
      for (const lane of [...(backlog?.values() ?? []), ...(planning?.values() ?? [])]) lag += lane.pending + lane.ackPending;
      this.metrics.queueLag.set(lag);
      this.metrics.lanes.set(backlog?.size ?? 0);
    } catch {
      // NATS unavailable: keep the last sample; readiness reports the connection.
    }
  }
}
