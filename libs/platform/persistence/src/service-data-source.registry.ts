import type { DataSource } from 'typeorm';
import type { DatabaseDialect } from './database-url.types';

/** What persistence remembers about a DataSource it built. */
export interface ServiceDataSourceInfo {
  readonly service: string;
  readonly dialect: DatabaseDialect;
  /** `host:port/database`, safe to log. */
  readonly target: string;
  /** Redacted from every message persistence logs or returns. */
  readonly secret: string | undefined;
  readonly synchronizeForTests: boolean;
}

const registry = new WeakMap<DataSource, ServiceDataSourceInfo>();

/** Records `info` for a DataSource built by `createServiceDataSource`. */
export function registerServiceDataSource(dataSource: DataSource, info: ServiceDataSourceInfo): void {
  registry.set(dataSource, info);
}

/** The recorded info, or an error if the DataSource was not built by `createServiceDataSource`. */
export function serviceDataSourceInfo(dataSource: DataSource): ServiceDataSourceInfo {
  const info = registry.get(dataSource);
  if (!info) throw new Error('this DataSource was not created by createServiceDataSource');
  return info;
}
