export { parseDatabaseUrl, describeDatabaseTarget } from './database-url.parser';
export type {
  DatabaseConnectionSettings,
  DatabaseDialect,
  DatabaseTlsMode,
  DatabaseTlsSettings,
  DatabaseUrlParseOptions,
} from './database-url.types';
export { DatabaseConfigError } from './persistence.errors';
export type { PersistenceLogger } from './persistence.logger';
export { SERVICE_DATA_SOURCE_DEFAULTS, type ServiceDataSourceOptions } from './service-data-source.options';
export { buildServiceDataSourceOptions, createServiceDataSource } from './service-data-source.factory';
export { migrateServiceSchema } from './schema-migration.runner';
export type { ReadinessProbe, ReadinessResult } from './readiness-probe';
export { DatabaseReadinessProbe, type DatabaseProbeSource } from './database-readiness.probe';
export { DatabaseConnectionService } from './database-connection.service';
export { PERSISTENCE_MODULE_DEFAULTS, type PersistenceModuleOptions } from './persistence-module.options';
export { PersistenceModule, type PersistenceModuleAsyncOptions } from './persistence.module';
