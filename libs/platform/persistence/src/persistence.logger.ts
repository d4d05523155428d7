/**
 * The logging surface persistence needs; Nest's `LoggerService` satisfies it, so a service passes
 * its own logger (pino-backed or not) instead of this library choosing one.
 */
export interface PersistenceLogger {
  /** Routine progress, e.g. migrations applied. */
  log(message: string, context?: string): void;
  /** Degraded but recovering, e.g. waiting for the database. */
  warn(message: string, context?: string): void;
  /** A failure that needs attention. */
  error(message: string, context?: string): void;
}

/** Token under which `PersistenceModule` provides its logger: `options.logger`, else Nest's `Logger`. */
export const PERSISTENCE_LOGGER = Symbol('PERSISTENCE_LOGGER');

/** Log context used by every line this library writes. */
export const PERSISTENCE_LOG_CONTEXT = 'Persistence';
