import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BackoffSettings, backoffDelayMs, formatSeconds, sleep, withTimeout } from './backoff.util';
import { errorMessage } from './persistence.errors';
import { PERSISTENCE_LOG_CONTEXT, PERSISTENCE_LOGGER, PersistenceLogger } from './persistence.logger';
import {
  PERSISTENCE_MODULE_DEFAULTS as D,
  PERSISTENCE_MODULE_OPTIONS,
  PersistenceModuleOptions,
} from './persistence-module.options';
import { migrateServiceSchema } from './schema-migration.runner';
import { ServiceDataSourceInfo, serviceDataSourceInfo } from './service-data-source.registry';

/**
 * Connects the service's DataSource in the background and migrates its schema, retrying with
 * capped, jittered backoff, so the service boots and reports not-ready while the database is down.
 * Closes the connections within a bounded time at shutdown.
 */
@Injectable()
export class DatabaseConnectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly info: ServiceDataSourceInfo;
  private readonly backoff: BackoffSettings;
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;
  private ready = false;
  private readonly readyPromise: Promise<void>;
  private settleReady!: { resolve: () => void; reject: (err: Error) => void };

  constructor(
    @Inject(DataSource) readonly dataSource: DataSource,
    @Inject(PERSISTENCE_LOGGER) private readonly logger: PersistenceLogger,
    @Inject(PERSISTENCE_MODULE_OPTIONS) private readonly options: PersistenceModuleOptions,
  ) {
    this.info = serviceDataSourceInfo(dataSource);
    this.backoff = {
      initialDelayMs: options.retry?.initialDelayMs ?? D.initialDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? D.maxDelayMs,
    };
    this.readyPromise = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    // Nobody has to wait for readiness; an unobserved shutdown rejection is not an error.
    this.readyPromise.catch(() => undefined);
  }

  /** `host:port/database` this service connects to (no credentials). */
  get target(): string {
    return this.info.target;
  }

  /** True once connected and migrated; false again after shutdown. */
  isReady(): boolean {
    return this.ready;
  }

  /** Resolves when ready; rejects if the application shuts down first. */
  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Starts connecting without blocking start-up. */
  onApplicationBootstrap(): void {
    this.start();
  }

  /** Starts the background connect-and-migrate loop (idempotent). */
  start(): void {
    this.loop ??= this.connectAndMigrate().catch((err: unknown) => {
      this.logger.error(
        `database start-up stopped: ${errorMessage(err, this.info.secret)}`,
        PERSISTENCE_LOG_CONTEXT,
      );
    });
  }

  /** Stops retrying and destroys the DataSource, waiting at most `shutdownTimeoutMs`. */
  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    this.ready = false;
    this.settleReady.reject(new Error('application shut down before the database was ready'));
    const limit = this.options.shutdownTimeoutMs ?? D.shutdownTimeoutMs;
    const deadline = Date.now() + limit;
    try {
      if (this.loop) await withTimeout(this.loop, limit, 'start-up attempt still running');
      if (this.dataSource.isInitialized) {
        await withTimeout(
          this.dataSource.destroy(),
          Math.max(deadline - Date.now(), 1),
          'connections still open',
        );
      }
    } catch (err) {
      this.logger.warn(
        `closing database connections to ${this.target} did not finish within ${limit} ms: ${errorMessage(err, this.info.secret)}`,
        PERSISTENCE_LOG_CONTEXT,
      );
    }
  }

  private async connectAndMigrate(): Promise<void> {
    const { signal } = this.stop;
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      try {
        if (!this.dataSource.isInitialized) await this.dataSource.initialize();
        if (signal.aborted) break;
        const applied = await migrateServiceSchema(this.dataSource);
        if (signal.aborted) break;
        this.ready = true;
        this.settleReady.resolve();
        this.logger.log(
          `connected to database at ${this.target}; schema ${this.info.service}: ${describeApplied(applied)}`,
          PERSISTENCE_LOG_CONTEXT,
        );
        return;
      } catch (err) {
        if (signal.aborted) break;
        const delay = backoffDelayMs(attempt, this.backoff);
        const progress = `(attempt ${attempt}, next in ${formatSeconds(delay)})`;
        const reason = errorMessage(err, this.info.secret);
        if (this.dataSource.isInitialized) {
          this.logger.error(
            `migrating schema ${this.info.service} at ${this.target} failed ${progress}: ${reason}`,
            PERSISTENCE_LOG_CONTEXT,
          );
        } else {
          this.logger.warn(
            `waiting for database at ${this.target} ${progress}: ${reason}`,
            PERSISTENCE_LOG_CONTEXT,
          );
        }
        await sleep(delay, signal);
      }
    }
    // Shutdown overtook an attempt that went on to connect: close what it opened.
    if (this.dataSource.isInitialized) await this.dataSource.destroy().catch(() => undefined);
  }
}

function describeApplied(applied: readonly string[]): string {
  return applied.length === 0
    ? 'up to date'
    : `applied ${applied.length} migration(s): ${applied.join(', ')}`;
}
