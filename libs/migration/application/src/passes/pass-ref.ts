import type { Pass, ProjectRepository } from '../ports/project.ports';
import { MigrationNotFoundError } from '../projects/control-plane.errors';
import { uuids } from '../projects/control-refs';

/**
 * The pass named by organisation, project and pass id; a pass of another project (or organisation)
 * is "not found" like a missing one.
 */
export async function findPass(
  projects: ProjectRepository,
  input: { orgId: string; projectId: string; passId: string },
): Promise<Pass> {
  const { orgId, projectId, passId } = uuids({
    orgId: input.orgId,
    projectId: input.projectId,
    passId: input.passId,
  });
  const pass = await projects.pass(orgId, passId);
  if (!pass || pass.projectId !== projectId || pass.orgId !== orgId) throw new MigrationNotFoundError('pass');
  return pass;
}
