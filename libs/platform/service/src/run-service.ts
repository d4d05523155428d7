import type { DynamicModule, Type } from '@nestjs/common';
import type { BaseServiceConfig, LoadedConfig } from '@ferry/platform/config';
import { createHttpApp, installShutdown, listen, type ShutdownProcess, type TextBodyType } from '@ferry/platform/runtime';
import { createLogger, NestPinoLogger, Pseudonymizer, type TelemetryHandle } from '@ferry/platform/telemetry';
import { type ServiceDatabase, ServiceKitModule } from './service-kit.module';

export interface RunServiceOptions<C extends BaseServiceConfig> {
  /** The service's name: logs, spans, NATS connection name, queue group, database schema. */
  readonly name: string;
  /**
   * Its settings, validated in instrument.ts with `loadConfigOrExit` before telemetry starts, against
   * `baseServiceSchema` or an extension of it.
   */
  readonly loaded: LoadedConfig<C>;
  /** The handle `startTelemetry` returned in the service's instrument.ts. */
  readonly telemetry: TelemetryHandle;
  readonly database?: ServiceDatabase;
  /** Media types (beyond JSON and forms) the service's routes read as text, e.g. a CSV upload. */
  readonly textBodyTypes?: readonly TextBodyType[];
  /** The service's own modules, given its validated configuration. */
  readonly modules?: (config: Readonly<C>) => (Type | DynamicModule)[];
}

/** The entry module of every service: the kit plus the service's own modules. */
class ServiceRootModule {}

/**
 * Boots a service from its validated configuration: builds the logger,
 * the hardened HTTP app with the service kit and the service's modules, installs bounded graceful
 * shutdown (telemetry is flushed after the drain), and listens. A start-up failure is logged and
 * exits 1.
 */
export async function runService<C extends BaseServiceConfig>(options: RunServiceOptions<C>): Promise<void> {
  const { config, warnings } = options.loaded;
  const base: BaseServiceConfig = config;
  const pseudonymizer = new Pseudonymizer(Buffer.from(base.FERRY_PSEUDONYM_KEY, 'base64'));
  const logger = new NestPinoLogger(createLogger({ service: options.name, level: base.LOG_LEVEL, pseudonymizer }));
  for (const w of [...warnings, ...options.telemetry.warnings]) logger.warn(w, 'Config');
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      ServiceKitModule.forRoot({
        service: options.name,
        config: base,
        logger,
        pseudonymizer,
        ...(options.database ? { database: options.database } : {}),
      }),
      ...(options.modules?.(config) ?? []),
    ],
  };
  try {
    const app = await createHttpApp(root, { logger, bodyLimitBytes: base.HTTP_BODY_LIMIT, ...(options.textBodyTypes ? { textBodyTypes: options.textBodyTypes } : {}), ...(base.HTTP_TRUST_PROXY === undefined ? {} : { trustProxy: base.HTTP_TRUST_PROXY }) });
    const exitAfterFlush: ShutdownProcess = {
      on: (signal, listener) => process.on(signal, listener),
      removeListener: (signal, listener) => process.removeListener(signal, listener),
      exit: (code) => void options.telemetry.shutdown(1500).finally(() => process.exit(code)),
    };
    installShutdown(app, {
      timeoutMs: base.SHUTDOWN_TIMEOUT_MS,
      logger,
      process: exitAfterFlush,
    });
    const address = await listen(app, { host: base.HTTP_HOST, port: base.HTTP_PORT });
    logger.log(
      `${options.name} listening on ${address.host}:${address.port}; spans exported to ${options.telemetry.exporters.join(' and ') || 'nowhere'}`,
      'Bootstrap',
    );
  } catch (err) {
    logger.error(`${options.name} failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
    await options.telemetry.shutdown(2000);
    process.exit(1);
  }
}
