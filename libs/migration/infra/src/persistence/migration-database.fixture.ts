import { randomUUID } from 'node:crypto';
import type { BeforeCommit, Pass, Project } from '@ferry/migration/application';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import type { DataSource } from 'typeorm';
import { MIGRATION_ENTITIES, MIGRATION_MIGRATIONS } from './migration-schema';

/** For integration specs: the migration service's DataSource on a test database, migrated. */
export async function openMigrationDatabase(url: string, poolMax = 10): Promise<DataSource> {
  const db = createServiceDataSource({
    url,
    service: 'migration',
    entities: MIGRATION_ENTITIES,
    migrations: [...MIGRATION_MIGRATIONS],
    poolMax,
  });
  await db.initialize();
  await migrateServiceSchema(db);
  return db;
}

/** A before-commit step with nothing to do (the audit record is the use cases' business). */
export const NO_AUDIT: BeforeCommit = async () => undefined;

export function testProject(orgId: string, overrides: Partial<Project> = {}): Project {
  const now = new Date();
  return {
    id: randomUUID(),
    orgId,
    name: 'Wave 1 — Zürich',
    sourceConnectorId: randomUUID(),
    targetConnectorId: randomUUID(),
    source: 'google',
    target: 'microsoft',
    workloads: ['mail'],
    deletionPolicy: 'keep',
    extraLabels: 'categories',
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
}

export function testPass(project: Project, overrides: Partial<Pass> = {}): Pass {
  return {
    id: randomUUID(),
    projectId: project.id,
    orgId: project.orgId,
    kind: 'full',
    status: 'running',
    final: false,
    scheduledFor: null,
    createdAt: new Date(),
    startedAt: new Date(),
    finishedAt: null,
    ...overrides,
  };
}

/** `count` mapping rows with distinct addresses. */
export function mappingRows(
  count: number,
  prefix = 'user',
): { sourceAddress: string; targetAddress: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceAddress: `${prefix}${i}@source.example`,
    targetAddress: `${prefix}${i}@target.example`,
  }));
}
