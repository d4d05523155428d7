import { Inject, Injectable } from '@nestjs/common';
import type { Project, ProjectRepository } from '../ports/project.ports';
import { MigrationNotFoundError } from './control-plane.errors';
import { PROJECT_REPOSITORY } from './control-plane.ports';
import { uuids } from './control-refs';

/** Reads an organisation's projects; another organisation's project is "not found". */
@Injectable()
export class ReadProjectsUseCase {
  constructor(@Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository) {}

  /** The organisation's projects, oldest first. */
  async list(orgId: string): Promise<Project[]> {
    const ids = uuids({ orgId });
    const projects = await this.projects.list(ids.orgId);
    return [...projects].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
  }

  /** @throws MigrationNotFoundError when the organisation has no such project. */
  async get(orgId: string, projectId: string): Promise<Project> {
    const ids = uuids({ orgId, projectId });
    const project = await this.projects.get(ids.orgId, ids.projectId);
    if (!project) throw new MigrationNotFoundError('project');
    return project;
  }
}
