import { StartPassCommand } from '../passes/start-pass.command';
import { StartPassUseCase } from '../passes/start-pass.usecase';
import type { Pass, Project } from '../ports/project.ports';
import { CALLER, type controlPlane, GOOGLE, MICROSOFT, ORG } from './control-plane.fakes';
import { CreateProjectCommand } from '../projects/create-project.command';
import { CreateProjectUseCase } from '../projects/create-project.usecase';

/** Creates a Google -> Microsoft project of ORG with `mailboxes` mapping rows (user1..n@source -> @target). */
export async function projectWithMappings(
  f: ReturnType<typeof controlPlane>,
  mailboxes = 2,
): Promise<Project> {
  const project = await new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(
    CreateProjectCommand.create({
      orgId: ORG,
      name: 'Move',
      sourceConnectorId: GOOGLE,
      targetConnectorId: MICROSOFT,
      workloads: ['mail'],
      caller: CALLER,
    }),
  );
  const rows = Array.from({ length: mailboxes }, (_, i) => ({
    sourceAddress: `user${i + 1}@source.example`,
    targetAddress: `user${i + 1}@target.example`,
  }));
  await f.projects.replaceMappings(ORG, project.id, rows, async () => undefined);
  f.audit.entries.length = 0;
  return project;
}

/** Starts (or, with `scheduledFor`, schedules) a pass of ORG's project as CALLER; the audit record is kept. */
export async function startPass(
  f: ReturnType<typeof controlPlane>,
  projectId: string,
  input: { kind?: string; final?: boolean; scheduledFor?: Date | null; orgId?: string } = {},
): Promise<Pass> {
  const command = StartPassCommand.create({
    orgId: input.orgId ?? ORG,
    projectId,
    kind: input.kind ?? 'full',
    final: input.final ?? false,
    scheduledFor: input.scheduledFor ?? null,
    now: f.clock.now(),
    caller: CALLER,
  });
  return new StartPassUseCase(f.projects, f.queue, f.audit, f.clock).execute(command);
}
