import type { Pass, ProjectRepository } from '../ports/project.ports';
import type { PassStatus } from '../ports/run.ports';

/** Statuses of a pass that still holds the project: at most one such pass per project. */
export const ACTIVE_PASS_STATUSES: readonly PassStatus[] = ['scheduled', 'running', 'paused'];

/** The project's pass that is scheduled, running or paused, if any. */
export async function activePass(
  projects: ProjectRepository,
  orgId: string,
  projectId: string,
): Promise<Pass | null> {
  const passes = await projects.passes(orgId, projectId);
  return passes.find((p) => ACTIVE_PASS_STATUSES.includes(p.status)) ?? null;
}
