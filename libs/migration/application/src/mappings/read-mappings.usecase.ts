import { Inject, Injectable } from '@nestjs/common';
import type { Mapping, ProjectRepository } from '../ports/project.ports';
import { MigrationNotFoundError } from '../projects/control-plane.errors';
import { PROJECT_REPOSITORY } from '../projects/control-plane.ports';
import { page, uuids } from '../projects/control-refs';

/** A page of a project's mapping. */
export interface MappingPage {
  readonly mappings: readonly Mapping[];
  readonly total: number;
}

/** Orders mapping rows for pages and reports: by source address, then id, so pages are stable. */
export function bySourceAddress(a: Mapping, b: Mapping): number {
  return a.sourceAddress < b.sourceAddress
    ? -1
    : a.sourceAddress > b.sourceAddress
      ? 1
      : a.id.localeCompare(b.id);
}

/** Reads a project's user mapping in pages, in source-address order. */
@Injectable()
export class ReadMappingsUseCase {
  constructor(@Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository) {}

  /** @throws MigrationNotFoundError when the organisation has no such project. */
  async list(input: {
    orgId: string;
    projectId: string;
    offset: number;
    limit: number;
  }): Promise<MappingPage> {
    const { orgId, projectId } = uuids({ orgId: input.orgId, projectId: input.projectId });
    const { offset, limit } = page(input.offset, input.limit);
    if (!(await this.projects.get(orgId, projectId))) throw new MigrationNotFoundError('project');
    const all = [...(await this.projects.mappings(orgId, projectId))].sort(bySourceAddress);
    return { mappings: all.slice(offset, offset + limit), total: all.length };
  }
}
