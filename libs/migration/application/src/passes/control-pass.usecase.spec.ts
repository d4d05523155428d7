import type { Pass, Project } from '../ports/project.ports';
import { CALLER, controlPlane, ORG, OTHER_ORG } from '../testing/control-plane.fakes';
import { MigrationNotFoundError, MigrationStateError } from '../projects/control-plane.errors';
import { projectWithMappings, startPass } from '../testing/project.fixture';
import { ControlPassUseCase, type PassChange } from './control-pass.usecase';
import { ReadPassesUseCase } from './read-passes.usecase';

type Fakes = ReturnType<typeof controlPlane>;

async function running(f: Fakes): Promise<{ project: Project; pass: Pass }> {
  const project = await projectWithMappings(f);
  const pass = await startPass(f, project.id);
  f.audit.entries.length = 0;
  return { project, pass };
}

const change = (f: Fakes, project: Project, pass: Pass, what: PassChange, orgId = ORG) =>
  new ControlPassUseCase(f.projects, f.queue, f.audit).execute({
    orgId,
    projectId: project.id,
    passId: pass.id,
    change: what,
    caller: CALLER,
  });

describe('migration control: pausing, resuming and cancelling a pass', () => {
  it('pauses a running pass and resumes it, its queued work left in place, each change audited', async () => {
    const f = controlPlane();
    const { project, pass } = await running(f);
    await expect(change(f, project, pass, 'pause')).resolves.toMatchObject({ status: 'paused' });
    expect(f.queue.queuedFor(pass.id)).toHaveLength(2);
    await expect(change(f, project, pass, 'resume')).resolves.toMatchObject({ status: 'running' });
    expect(f.audit.entries.map((e) => [e.action, e.target.id, e.detail['from']])).toEqual([
      ['migration.pass.paused', pass.id, 'running'],
      ['migration.pass.resumed', pass.id, 'paused'],
    ]);
    expect(f.queue.purged).toEqual([]);
  });

  it('cancels a pass, drops its queued work, and drops it again when cancelled twice', async () => {
    const f = controlPlane();
    const { project, pass } = await running(f);
    const cancelled = await change(f, project, pass, 'cancel');
    expect(cancelled).toMatchObject({ status: 'cancelled', finishedAt: f.clock.now() });
    expect(f.queue.queuedFor(pass.id)).toEqual([]);
    await expect(change(f, project, pass, 'cancel')).resolves.toMatchObject({ status: 'cancelled' });
    expect(f.queue.purged).toHaveLength(2);
    expect(f.audit.actions()).toEqual(['migration.pass.cancelled']);
  });

  it('refuses what the status does not allow, with the current status', async () => {
    const f = controlPlane();
    const { project, pass } = await running(f);
    await expect(change(f, project, pass, 'resume')).rejects.toThrow(
      new MigrationStateError('the pass is already running'),
    );
    f.projects.finishPass(pass.id);
    await expect(change(f, project, pass, 'pause')).rejects.toThrow(
      new MigrationStateError('the pass is completed and cannot change any more'),
    );
    await expect(change(f, project, pass, 'cancel')).rejects.toBeInstanceOf(MigrationStateError);
    expect(f.audit.entries).toEqual([]);
  });

  it("answers not found for another organisation's pass and for a pass named under another project", async () => {
    const f = controlPlane();
    const { project, pass } = await running(f);
    const other = await projectWithMappings(f);
    await expect(change(f, project, pass, 'pause', OTHER_ORG)).rejects.toBeInstanceOf(MigrationNotFoundError);
    await expect(change(f, other, pass, 'pause')).rejects.toBeInstanceOf(MigrationNotFoundError);
    await expect(
      new ReadPassesUseCase(f.projects).get({ orgId: ORG, projectId: other.id, passId: pass.id }),
    ).rejects.toBeInstanceOf(MigrationNotFoundError);
  });

  it('leaves the pass as it was when the change cannot be audited', async () => {
    const f = controlPlane();
    const { project, pass } = await running(f);
    f.audit.failing = true;
    await expect(change(f, project, pass, 'cancel')).rejects.toThrow('audit trail is unavailable');
    expect(await f.projects.pass(ORG, pass.id)).toMatchObject({ status: 'running' });
    expect(f.queue.queuedFor(pass.id)).toHaveLength(2);
  });

  it('lists passes newest first', async () => {
    const f = controlPlane();
    const { project, pass } = await running(f);
    await change(f, project, pass, 'cancel');
    f.clock.advance(1000);
    const second = await startPass(f, project.id, { kind: 'delta' });
    expect(
      (await new ReadPassesUseCase(f.projects).list({ orgId: ORG, projectId: project.id })).map((p) => p.id),
    ).toEqual([second.id, pass.id]);
  });
});
