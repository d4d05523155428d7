import { isPassFinished } from '@ferry/migration/domain';
import type { Pass, ProjectRepository } from '../ports/project.ports';

/** The project's pass that is scheduled, running or paused (not finished), if any: at most one per project. */
export async function activePass(
  projects: ProjectRepository,
  orgId: string,
  projectId: string,
): Promise<Pass | null> {
  const passes = await projects.passes(orgId, projectId);
  return passes.find((p) => !isPassFinished(p.status)) ?? null;
}
