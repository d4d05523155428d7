import { hostname } from 'node:os';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { describeDatabaseTarget, parseDatabaseUrl } from './database-url.parser';
import type { DatabaseConnectionSettings } from './database-url.types';
import { buildMssqlOptions } from './mssql-options.factory';
import { DatabaseConfigError } from './persistence.errors';
import type { PersistenceLogger } from './persistence.logger';
import { buildPostgresOptions } from './postgres-options.factory';
import {
  SERVICE_DATA_SOURCE_DEFAULTS as D,
  type ResolvedServiceSettings,
  type ServiceDataSourceOptions,
} from './service-data-source.options';
import { registerServiceDataSource } from './service-data-source.registry';
import { TypeOrmLoggerAdapter } from './typeorm-logger.adapter';

const SILENT_LOGGER: PersistenceLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const SERVICE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
// PostgreSQL truncates application_name at 63 bytes.
const MAX_APPLICATION_NAME = 63;

/**
 * TypeORM options for one service: its tables and its migrations table live in the schema named
 * after the service; `synchronize` is always off (test synchronisation runs in `migrateServiceSchema`).
 */
export function buildServiceDataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
  return prepare(options).built;
}

/**
 * Builds (does not connect) the service's DataSource. Connect with `initialize()`, then call
 * `migrateServiceSchema`; `PersistenceModule` does both in the background with retries.
 */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  if (options.synchronizeForTests && process.env['NODE_ENV'] !== 'test') {
    throw new DatabaseConfigError('synchronizeForTests is allowed only when NODE_ENV=test; use migrations');
  }
  const { built, conn } = prepare(options);
  const dataSource = new DataSource(built);
  registerServiceDataSource(dataSource, {
    service: options.service,
    dialect: conn.dialect,
    target: describeDatabaseTarget(conn),
    secret: conn.password,
    synchronizeForTests: options.synchronizeForTests === true,
  });
  return dataSource;
}

function prepare(options: ServiceDataSourceOptions): {
  built: DataSourceOptions;
  conn: DatabaseConnectionSettings;
} {
  const conn = parseDatabaseUrl(options.url, options.caFile === undefined ? {} : { caFile: options.caFile });
  const settings = resolveSettings(options);
  const built =
    conn.dialect === 'postgres' ? buildPostgresOptions(conn, settings) : buildMssqlOptions(conn, settings);
  // Always our adapter: TypeORM's own loggers write to the console and can print query parameters.
  const logger = new TypeOrmLoggerAdapter(options.logger ?? SILENT_LOGGER, conn.password);
  return { built: { ...built, logger }, conn };
}

function resolveSettings(options: ServiceDataSourceOptions): ResolvedServiceSettings {
  if (!SERVICE_NAME.test(options.service)) {
    throw new DatabaseConfigError(
      `invalid service name "${options.service}": it names the database schema, so use [a-z][a-z0-9_]* (at most 63 characters)`,
    );
  }
  return {
    service: options.service,
    entities: options.entities,
    migrations: options.migrations,
    poolMax: positiveInt('poolMax', options.poolMax ?? D.poolMax),
    statementTimeoutMs: positiveInt('statementTimeoutMs', options.statementTimeoutMs ?? D.statementTimeoutMs),
    connectTimeoutMs: positiveInt('connectTimeoutMs', options.connectTimeoutMs ?? D.connectTimeoutMs),
    applicationName: (options.applicationName ?? `ferry-${options.service}@${hostname()}`).slice(
      0,
      MAX_APPLICATION_NAME,
    ),
  };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new DatabaseConfigError(`${name} must be a positive integer`);
  return value;
}
