import { Inject, Injectable } from '@nestjs/common';
import type { ProjectRepository } from '../ports/project.ports';
import { activePass } from './active-pass';
import { auditBeforeCommit, changeEntry, type ControlCaller } from './caller';
import { MigrationNotFoundError, MigrationStateError } from './control-plane.errors';
import { MIGRATION_AUDIT_TRAIL, type MigrationAuditTrail, PROJECT_REPOSITORY } from './control-plane.ports';
import { uuids } from './control-refs';

/**
 * Deletes a project with its mappings, passes, progress and references, in one audited transaction.
 * Refused while a pass is scheduled, running or paused: the operator cancels it first, which drops its
 * queued work, so no worker acts for a project that is gone.
 */
@Injectable()
export class DeleteProjectUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(MIGRATION_AUDIT_TRAIL) private readonly audit: MigrationAuditTrail,
  ) {}

  async execute(input: { orgId: string; projectId: string; caller: ControlCaller }): Promise<void> {
    const { orgId, projectId } = uuids({ orgId: input.orgId, projectId: input.projectId });
    const project = await this.projects.get(orgId, projectId);
    if (!project) throw new MigrationNotFoundError('project');
    const active = await activePass(this.projects, orgId, projectId);
    if (active)
      throw new MigrationStateError(
        `pass ${active.id} is ${active.status}; cancel it before deleting the project`,
      );
    const entry = changeEntry(
      input.caller,
      orgId,
      'migration.project.deleted',
      { type: 'project', id: projectId },
      { source: project.source, target: project.target },
    );
    if (!(await this.projects.delete(orgId, projectId, auditBeforeCommit(this.audit, entry))))
      throw new MigrationNotFoundError('project');
  }
}
