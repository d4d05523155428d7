import { Inject, Injectable } from '@nestjs/common';
import type { Pass, ProjectRepository } from '../ports/project.ports';
import { MigrationNotFoundError } from '../projects/control-plane.errors';
import { PROJECT_REPOSITORY } from '../projects/control-plane.ports';
import { uuids } from '../projects/control-refs';
import { findPass } from './pass-ref';

/** Newest first; the id breaks ties so the order is stable. */
export function newestFirst(a: Pass, b: Pass): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id);
}

/** Reads a project's passes. */
@Injectable()
export class ReadPassesUseCase {
  constructor(@Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository) {}

  /** The project's passes, newest first. @throws MigrationNotFoundError */
  async list(input: { orgId: string; projectId: string }): Promise<Pass[]> {
    const { orgId, projectId } = uuids({ orgId: input.orgId, projectId: input.projectId });
    if (!(await this.projects.get(orgId, projectId))) throw new MigrationNotFoundError('project');
    return [...(await this.projects.passes(orgId, projectId))].sort(newestFirst);
  }

  /** @throws MigrationNotFoundError when the project has no such pass. */
  get(input: { orgId: string; projectId: string; passId: string }): Promise<Pass> {
    return findPass(this.projects, input);
  }
}
