import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { StartDuePassesUseCase } from '@ferry/migration/application';
import { MIGRATION_SERVICE_OPTIONS, type MigrationServiceOptions } from './migration-service.options';

/** Starts scheduled passes (e.g. the cut-over's final delta) when their time comes. */
@Injectable()
export class PassScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly logger = new Logger('PassScheduler');

  constructor(
    @Inject(StartDuePassesUseCase) private readonly due: StartDuePassesUseCase,
    @Inject(MIGRATION_SERVICE_OPTIONS) private readonly options: MigrationServiceOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.options.schedulerIntervalMs ?? 5000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.due.execute(new Date());
    } catch (err) {
      this.logger.warn(`starting due passes failed: ${(err as Error).name}`);
    } finally {
      this.running = false;
    }
  }
}
