import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConnectionSettings } from './database-url.types';
import {
  SERVICE_DATA_SOURCE_DEFAULTS as D,
  type ResolvedServiceSettings,
} from './service-data-source.options';
import { buildTlsContext } from './tls-options.factory';

/** TypeORM's SQL Server / Azure SQL options. */
export type MssqlOptions = Extract<DataSourceOptions, { type: 'mssql' }>;

/**
 * Azure SQL / SQL Server options for one service. SQL Server has no per-connection search path,
 * so entities are qualified by TypeORM and hand-written migrations must name the schema.
 */
export function buildMssqlOptions(
  conn: DatabaseConnectionSettings,
  s: ResolvedServiceSettings,
): MssqlOptions {
  const tls = buildTlsContext(conn.tls);
  return {
    type: 'mssql',
    host: conn.host,
    port: conn.port,
    database: conn.database,
    username: conn.username,
    password: conn.password,
    schema: s.service,
    entities: s.entities,
    migrations: s.migrations,
    migrationsTableName: D.migrationsTableName,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    connectionTimeout: s.connectTimeoutMs,
    requestTimeout: s.statementTimeoutMs,
    maxQueryExecutionTime: D.slowQueryMs,
    pool: { max: s.poolMax, min: 0, idleTimeoutMillis: D.idleTimeoutMs },
    options: {
      encrypt: tls !== undefined,
      trustServerCertificate: tls !== undefined && !tls.rejectUnauthorized,
      appName: s.applicationName,
      // tedious hands this to tls.createSecureContext: it carries the TLS floor and a private CA.
      cryptoCredentialsDetails:
        tls === undefined ? undefined : { minVersion: tls.minVersion, ...(tls.ca ? { ca: tls.ca } : {}) },
    },
  };
}
