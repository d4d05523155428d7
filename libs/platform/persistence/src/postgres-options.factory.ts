import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConnectionSettings } from './database-url.types';
import {
  SERVICE_DATA_SOURCE_DEFAULTS as D,
  type ResolvedServiceSettings,
} from './service-data-source.options';
import { buildTlsContext } from './tls-options.factory';

/** TypeORM's PostgreSQL options. */
export type PostgresOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/**
 * PostgreSQL options for one service. `search_path` is the service schema alone, so unqualified
 * names in hand-written migrations land there, and creating a table fails rather than spilling
 * into `public` if the schema is missing.
 */
export function buildPostgresOptions(
  conn: DatabaseConnectionSettings,
  s: ResolvedServiceSettings,
): PostgresOptions {
  const ssl = buildTlsContext(conn.tls);
  return {
    type: 'postgres',
    host: conn.host,
    port: conn.port,
    database: conn.database,
    username: conn.username,
    password: conn.password,
    ssl: ssl ?? false,
    applicationName: s.applicationName,
    schema: s.service,
    entities: s.entities,
    migrations: s.migrations,
    migrationsTableName: D.migrationsTableName,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: s.poolMax,
    connectTimeoutMS: s.connectTimeoutMs,
    maxQueryExecutionTime: D.slowQueryMs,
    // gen_random_uuid() is built in since PostgreSQL 13; services never install extensions.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: {
      options: `-c search_path=${s.service}`,
      statement_timeout: s.statementTimeoutMs,
      idle_in_transaction_session_timeout: D.idleInTransactionTimeoutMs,
      idleTimeoutMillis: D.idleTimeoutMs,
    },
  };
}
