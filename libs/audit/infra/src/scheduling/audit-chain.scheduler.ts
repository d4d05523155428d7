import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { ChainCheckpointer, PurgeAuditRecordsUseCase } from '@ferry/audit/application';
import { DatabaseConnectionService } from '@ferry/platform/persistence';
import { AUDIT_INFRA_OPTIONS, type AuditInfraOptions } from '../audit-infra.options';

/** One periodic job: never two runs at once, and shutdown waits for the running one. */
class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly every: number,
    private readonly run: () => Promise<void>,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.every);
    this.timer.unref();
  }

  private tick(): void {
    this.running ??= this.run().finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

/**
 * Runs the chain's periodic upkeep once the database is ready: a checkpoint of every organisation
 * whose chain moved (every FERRY_AUDIT_CHECKPOINT_INTERVAL_MS), and the retention purge (every
 * FERRY_AUDIT_PURGE_INTERVAL_MS). Every replica runs both; they are idempotent.
 */
@Injectable()
export class AuditChainScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditChain');
  private readonly jobs: Periodic[] = [];
  private stopped = false;

  constructor(
    @Inject(ChainCheckpointer) private readonly checkpointer: ChainCheckpointer,
    @Inject(PurgeAuditRecordsUseCase) private readonly purge: PurgeAuditRecordsUseCase,
    @Inject(AUDIT_INFRA_OPTIONS) private readonly options: Pick<AuditInfraOptions, 'checkpointIntervalMs' | 'purgeIntervalMs'>,
    @Optional() @Inject(DatabaseConnectionService) private readonly database?: Pick<DatabaseConnectionService, 'whenReady'>,
  ) {}

  onApplicationBootstrap(): void {
    void (this.database?.whenReady() ?? Promise.resolve())
      .then(() => {
        if (this.stopped) return;
        this.jobs.push(new Periodic(this.options.checkpointIntervalMs, () => this.checkpoint()), new Periodic(this.options.purgeIntervalMs, () => this.purgeExpired()));
        for (const job of this.jobs) job.start();
      })
      .catch(() => undefined); // shut down before the database was ready
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.jobs.map((j) => j.stop()));
  }

  private async checkpoint(): Promise<void> {
    try {
      await this.checkpointer.checkpointMoved();
    } catch (err) {
      this.logger.warn(`periodic checkpoint failed: ${(err as Error).message}`);
    }
  }

  private async purgeExpired(): Promise<void> {
    try {
      for (const p of await this.purge.execute()) {
        this.logger.log(`retention purged ${p.records} audit records of ${p.orgId || 'platform'} through sequence ${p.through}`);
      }
    } catch (err) {
      this.logger.warn(`retention purge failed: ${(err as Error).message}`);
    }
  }
}
