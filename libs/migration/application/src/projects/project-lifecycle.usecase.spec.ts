import { CALLER, controlPlane, ORG, OTHER_ORG } from '../testing/control-plane.fakes';
import {
  InvalidControlCommandError,
  MigrationNotFoundError,
  MigrationStateError,
} from './control-plane.errors';
import { DeleteProjectUseCase } from './delete-project.usecase';
import { projectWithMappings, startPass } from '../testing/project.fixture';
import { ReadProjectsUseCase } from './read-projects.usecase';

describe('migration control: reading and deleting projects', () => {
  it("lists the organisation's projects oldest first and answers another organisation's project as not found", async () => {
    const f = controlPlane();
    const first = await projectWithMappings(f);
    f.clock.advance(1000);
    const second = await projectWithMappings(f);
    const read = new ReadProjectsUseCase(f.projects);
    expect((await read.list(ORG)).map((p) => p.id)).toEqual([first.id, second.id]);
    expect(await read.list(OTHER_ORG)).toEqual([]);
    await expect(read.get(OTHER_ORG, first.id)).rejects.toBeInstanceOf(MigrationNotFoundError);
    await expect(read.get(ORG, first.id.toUpperCase())).resolves.toMatchObject({ id: first.id });
    await expect(read.get(ORG, 'not-a-uuid')).rejects.toBeInstanceOf(InvalidControlCommandError);
  });

  it('deletes a project with its mappings, audited by id', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    await new DeleteProjectUseCase(f.projects, f.audit).execute({
      orgId: ORG,
      projectId: project.id,
      caller: CALLER,
    });
    expect(await f.projects.get(ORG, project.id)).toBeNull();
    expect(await f.projects.mappings(ORG, project.id)).toEqual([]);
    expect(f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'migration.project.deleted',
        target: { type: 'project', id: project.id },
        detail: { source: 'google', target: 'microsoft' },
      }),
    ]);
  });

  it("refuses to delete another organisation's project (not found) and one whose pass is running (conflict)", async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    const remove = new DeleteProjectUseCase(f.projects, f.audit);
    await expect(
      remove.execute({ orgId: OTHER_ORG, projectId: project.id, caller: CALLER }),
    ).rejects.toBeInstanceOf(MigrationNotFoundError);
    await startPass(f, project.id);
    await expect(
      remove.execute({ orgId: ORG, projectId: project.id, caller: CALLER }),
    ).rejects.toBeInstanceOf(MigrationStateError);
    expect(await f.projects.get(ORG, project.id)).not.toBeNull();
  });

  it('keeps the project when the deletion cannot be audited', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    f.audit.failing = true;
    await expect(
      new DeleteProjectUseCase(f.projects, f.audit).execute({
        orgId: ORG,
        projectId: project.id,
        caller: CALLER,
      }),
    ).rejects.toThrow('audit trail is unavailable');
    expect(await f.projects.mappings(ORG, project.id)).toHaveLength(2);
  });
});
