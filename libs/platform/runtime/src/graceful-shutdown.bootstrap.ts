import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import { type PendingHooks, trackShutdownHooks } from './shutdown-hook.tracker';

/** The signals a Ferry service shuts down on: SIGTERM from Kubernetes, SIGINT from a terminal. */
export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

/** The part of `process` shutdown uses; tests pass an EventEmitter with a recording `exit`. */
export interface ShutdownProcess {
  on(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  removeListener(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  exit(code: number): void;
}

/** How a service shuts down. */
export interface ShutdownOptions {
  /** Budget for the whole shutdown; past it the process exits 1. Keep it below the pod's grace period. */
  readonly timeoutMs: number;
  readonly logger: LoggerService;
  /** Runs first, within the budget, e.g. to flush telemetry or log the reason. A failure is logged and shutdown goes on. */
  readonly onSignal?: (signal: ShutdownSignal) => void | Promise<void>;
  /** Defaults to the real `process`. */
  readonly process?: ShutdownProcess;
}

const SIGNALS: readonly ShutdownSignal[] = ['SIGTERM', 'SIGINT'];
const CONTEXT = 'Shutdown';
const IDLE_SWEEP_MS = 50;

/**
 * On SIGTERM or SIGINT: stops accepting connections and lets in-flight requests finish, then runs
 * Nest's shutdown hooks (`app.close()`, where NATS drains and the database closes), and exits 0.
 * If that takes longer than `timeoutMs` it logs the stage (and hooks) still running and exits 1;
 * a second signal exits 1 at once. Use instead of `app.enableShutdownHooks()`.
 * @returns a function that removes the signal listeners.
 */
export function installShutdown(app: INestApplication, options: ShutdownOptions): () => void {
  if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new Error(
      `installShutdown: timeoutMs must be a positive whole number; got ${String(options.timeoutMs)}`,
    );
  }
  const target = options.process ?? process;
  const { logger, timeoutMs } = options;
  let started = false;
  let exited = false;
  const exit = (code: number): void => {
    if (exited) return;
    exited = true;
    target.exit(code);
  };

  const shutdown = async (signal: ShutdownSignal): Promise<void> => {
    let stage = 'onSignal callback';
    let pendingHooks: PendingHooks = () => [];
    let failed = false;
    const timer = setTimeout(() => {
      const hooks = pendingHooks();
      const waitingOn = hooks.length > 0 ? `; waiting on ${hooks.join(', ')}` : '';
      logger.error(
        `Shutdown exceeded ${timeoutMs} ms while ${stage}${waitingOn}; exiting with code 1`,
        undefined,
        CONTEXT,
      );
      exit(1);
    }, timeoutMs);
    try {
      logger.log(`Received ${signal}; shutting down within ${timeoutMs} ms`, CONTEXT);
      try {
        await options.onSignal?.(signal);
      } catch (error) {
        failed = true;
        logger.error(`onSignal callback failed: ${describe(error)}`, undefined, CONTEXT);
      }
      stage = 'draining HTTP requests';
      await drainHttp(app.getHttpServer() as Server);
      stage = 'running Nest shutdown hooks';
      pendingHooks = trackShutdownHooks(app);
      await app.close();
    } catch (error) {
      failed = true;
      logger.error(`Shutdown failed while ${stage}: ${describe(error)}`, undefined, CONTEXT);
    } finally {
      clearTimeout(timer);
    }
    if (!failed) logger.log('Shutdown complete', CONTEXT);
    exit(failed ? 1 : 0);
  };

  const onSignal = (signal: ShutdownSignal): void => {
    if (started) {
      logger.warn(`Received ${signal} again during shutdown; exiting with code 1`, CONTEXT);
      exit(1);
      return;
    }
    started = true;
    void shutdown(signal);
  };
  for (const signal of SIGNALS) target.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) target.removeListener(signal, onSignal);
  };
}

/**
 * Stops accepting connections and resolves once every open one has closed. Keep-alive connections
 * are closed as soon as they fall idle, and later responses ask clients to reconnect elsewhere.
 */
async function drainHttp(server: Server): Promise<void> {
  if (!server.listening) return;
  const markClosing = (
    _request: unknown,
    response: { setHeader(name: string, value: string): unknown },
  ): void => {
    response.setHeader('connection', 'close');
  };
  server.prependListener('request', markClosing);
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  } finally {
    clearInterval(sweep);
    server.removeListener('request', markClosing);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
