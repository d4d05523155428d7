import type { DataSourceOptions } from 'typeorm';
import type { PersistenceLogger } from './persistence.logger';

/** What a service tells persistence about its database. */
export interface ServiceDataSourceOptions {
  /** DATABASE_URL, e.g. `postgres://ferry:pw@db.internal:5432/ferry?tls=verify-full`. */
  readonly url: string;
  /** Service name (`[a-z][a-z0-9_]*`); names the schema that holds all of the service's tables. */
  readonly service: string;
  /** Entity classes (or schemas) of this service only. */
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  /** Migration classes of this service only. */
  readonly migrations: NonNullable<DataSourceOptions['migrations']>;
  /** Receives TypeORM warnings, errors and migration progress; silent when absent. */
  readonly logger?: PersistenceLogger;
  /** Let TypeORM create tables from entities after migrations. Tests only: refused unless NODE_ENV=test. */
  readonly synchronizeForTests?: boolean;
  /** CA bundle path; overrides the URL's `sslrootcert`. */
  readonly caFile?: string;
  /** Connections per replica (default 10). */
  readonly poolMax?: number;
  /** Server-side limit on one statement, in ms (default 30 000); migrations run without it on PostgreSQL. */
  readonly statementTimeoutMs?: number;
  /** Limit on opening one connection, in ms (default 5 000). */
  readonly connectTimeoutMs?: number;
  /** Name shown in pg_stat_activity / sys.dm_exec_sessions (default `ferry-<service>@<hostname>`). */
  readonly applicationName?: string;
}

/** Defaults applied by `createServiceDataSource`. */
export const SERVICE_DATA_SOURCE_DEFAULTS = {
  poolMax: 10,
  statementTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  slowQueryMs: 2_000,
  migrationsTableName: 'migrations',
} as const;

/** The options after validation and defaults, shared by the dialect builders. */
export interface ResolvedServiceSettings {
  readonly service: string;
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  readonly migrations: NonNullable<DataSourceOptions['migrations']>;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly applicationName: string;
}
