import type { ServiceDataSourceOptions } from './service-data-source.options';

/** `PersistenceModule` options: the DataSource's, plus start-up and shutdown behaviour. */
export interface PersistenceModuleOptions extends ServiceDataSourceOptions {
  /** Retry bounds while the database is unreachable (defaults: first 500 ms, cap 30 s). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Longest wait for connections to close at shutdown, in ms (default 5 000). */
  readonly shutdownTimeoutMs?: number;
  /** Longest wait for the readiness probe's `SELECT 1`, in ms (default 2 000). */
  readonly probeTimeoutMs?: number;
}

/** Defaults for {@link PersistenceModuleOptions}. */
export const PERSISTENCE_MODULE_DEFAULTS = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  shutdownTimeoutMs: 5_000,
  probeTimeoutMs: 2_000,
} as const;

/** Injection token for the module's {@link PersistenceModuleOptions}. */
export const PERSISTENCE_MODULE_OPTIONS = Symbol('PERSISTENCE_MODULE_OPTIONS');
