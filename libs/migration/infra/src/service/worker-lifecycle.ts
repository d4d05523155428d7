import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Events } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORK_LANE_PREFIX } from '../queue/jetstream-work.queue';
import { MigrationWorker } from '../worker/migration-worker';

/** How often queue lag is read from the server for the metrics. */
const LAG_INTERVAL_MS = 5000;

/** Starts the worker once the app is up, stops it (in-flight items finish) on shutdown, and samples queue lag. */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MigrationWorker) private readonly worker: MigrationWorker,
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
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
      const backlog = await this.messaging.laneBacklog(Events.migrationWork, WORK_LANE_PREFIX);
      let lag = 0;
      for (const lane of backlog.values()) lag += lane.pending + lane.ackPending;
      this.metrics.queueLag.set(lag);
      this.metrics.lanes.set(backlog.size);
    } catch {
      // NATS unavailable: keep the last sample; readiness reports the connection.
    }
  }
}
