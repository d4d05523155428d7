import type { Mapping, Pass, Project } from '@ferry/migration/application';
import type { MappingEntity } from './mapping.entity';
import type { PassEntity } from './pass.entity';
import type { ProjectEntity } from './project.entity';

export function toProjectRow(p: Project): ProjectEntity {
  return {
    id: p.id,
    orgId: p.orgId,
    name: p.name,
    sourceConnectorId: p.sourceConnectorId,
    targetConnectorId: p.targetConnectorId,
    sourceSystem: p.source,
    targetSystem: p.target,
    workloads: p.workloads.join(','),
    deletionPolicy: p.deletionPolicy,
    extraLabels: p.extraLabels,
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function toProject(row: ProjectEntity): Project {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    sourceConnectorId: row.sourceConnectorId,
    targetConnectorId: row.targetConnectorId,
    source: row.sourceSystem,
    target: row.targetSystem,
    workloads: row.workloads === '' ? [] : (row.workloads.split(',') as Project['workloads'][number][]),
    deletionPolicy: row.deletionPolicy,
    extraLabels: row.extraLabels,
    version: row.version,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

/** A pass's row; `openRuns` counts the pending runs created with it. */
export function toPassRow(p: Pass, openRuns: number): PassEntity {
  return {
    id: p.id,
    orgId: p.orgId,
    projectId: p.projectId,
    kind: p.kind,
    status: p.status,
    final: p.final,
    scheduledFor: p.scheduledFor,
    openRuns,
    createdAt: p.createdAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
  };
}

export function toPass(row: PassEntity): Pass {
  return {
    id: row.id,
    orgId: row.orgId,
    projectId: row.projectId,
    kind: row.kind,
    status: row.status,
    final: Boolean(row.final),
    scheduledFor: dateOrNull(row.scheduledFor),
    createdAt: new Date(row.createdAt),
    startedAt: dateOrNull(row.startedAt),
    finishedAt: dateOrNull(row.finishedAt),
  };
}

export function toMapping(row: MappingEntity): Mapping {
  return {
    id: row.id,
    projectId: row.projectId,
    orgId: row.orgId,
    sourceAddress: row.sourceAddress,
    targetAddress: row.targetAddress,
    lastPassFinishedAt: dateOrNull(row.lastPassFinishedAt),
    lastPassId: row.lastPassId,
  };
}

/** A database timestamp as a Date (raw rows may carry strings), or null. */
export function dateOrNull(value: Date | string | null | undefined): Date | null {
  return value === null || value === undefined ? null : new Date(value);
}
