import type { Project } from '../ports/project.ports';
import { controlPlane, ORG, OTHER_ORG } from '../testing/control-plane.fakes';
import {
  InvalidControlCommandError,
  MigrationNotFoundError,
  MigrationStateError,
  WorkQueueUnavailableError,
} from '../projects/control-plane.errors';
import { projectWithMappings, startPass } from '../testing/project.fixture';

type Fakes = ReturnType<typeof controlPlane>;
const start = (f: Fakes, project: Project, input: Parameters<typeof startPass>[2] = {}) =>
  startPass(f, project.id, input);

describe('migration control: starting a pass', () => {
  it('inserts a running pass with a pending row per mailbox, then opens the queue and plans each mailbox', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 3);
    const pass = await start(f, project);
    expect(pass).toMatchObject({
      projectId: project.id,
      orgId: ORG,
      kind: 'full',
      status: 'running',
      final: false,
      startedAt: f.clock.now(),
      finishedAt: null,
    });
    const mappings = await f.projects.mappings(ORG, project.id);
    expect((await f.projects.progress(ORG, pass.id)).map((p) => [p.mappingId, p.status]).sort()).toEqual(
      mappings.map((m) => [m.id, 'pending']).sort(),
    );
    expect(f.queue.opened).toEqual([{ orgId: ORG, projectId: project.id }]);
    expect(
      f.queue
        .queuedFor(pass.id)
        .map((q) => q.mappingId)
        .sort(),
    ).toEqual(mappings.map((m) => m.id).sort());
    expect(f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'migration.pass.started',
        target: { type: 'pass', id: pass.id },
        detail: { projectId: project.id, kind: 'full', final: 'false', mailboxes: '3' },
      }),
    ]);
  });

  it('queues nothing when the pass row does not commit (audit down)', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    f.audit.failing = true;
    await expect(start(f, project)).rejects.toThrow('audit trail is unavailable');
    expect(await f.projects.passes(ORG, project.id)).toEqual([]);
    expect(f.queue.opened).toEqual([]);
    expect(f.queue.planned).toEqual([]);
  });

  it('refuses a second pass while one is running, paused or scheduled', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    const first = await start(f, project);
    for (const status of ['running', 'paused', 'scheduled'] as const) {
      await f.projects.setPassStatus(
        ORG,
        first.id,
        ['running', 'paused', 'scheduled'],
        status,
        async () => undefined,
      );
      await expect(start(f, project, { kind: 'delta' })).rejects.toThrow(
        new MigrationStateError(`pass ${first.id} is ${status}; one pass at a time`),
      );
    }
    f.projects.finishPass(first.id);
    await expect(start(f, project, { kind: 'delta' })).resolves.toMatchObject({
      kind: 'delta',
      status: 'running',
    });
  });

  it('starts a delta pass of a project that never finished a full pass (the worker enumerates cursor-less mailboxes)', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    const pass = await start(f, project, { kind: 'delta', final: true });
    expect(pass).toMatchObject({ kind: 'delta', final: true, status: 'running' });
    expect(f.queue.queuedFor(pass.id)).toHaveLength(2);
  });

  it('schedules a pass for later: status scheduled, nothing queued yet, audited as scheduled', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    const at = new Date(f.clock.now().getTime() + 3_600_000);
    const pass = await start(f, project, { scheduledFor: at, final: true });
    expect(pass).toMatchObject({ status: 'scheduled', scheduledFor: at, startedAt: null });
    expect(f.queue.planned).toEqual([]);
    expect(f.audit.entries[0]).toMatchObject({
      action: 'migration.pass.scheduled',
      detail: { scheduledFor: at.toISOString(), final: 'true' },
    });
  });

  it('refuses a project without mapping, an unknown kind, a past or far schedule, and another organisation', async () => {
    const f = controlPlane();
    const empty = await projectWithMappings(f, 0);
    await expect(start(f, empty)).rejects.toThrow('the project has no user mapping; import one first');
    await expect(start(f, empty, { kind: 'incremental' })).rejects.toBeInstanceOf(InvalidControlCommandError);
    await expect(
      start(f, empty, { scheduledFor: new Date(f.clock.now().getTime() - 1) }),
    ).rejects.toBeInstanceOf(InvalidControlCommandError);
    await expect(
      start(f, empty, { scheduledFor: new Date(f.clock.now().getTime() + 400 * 86_400_000) }),
    ).rejects.toBeInstanceOf(InvalidControlCommandError);
    await expect(start(f, empty, { orgId: OTHER_ORG })).rejects.toBeInstanceOf(MigrationNotFoundError);
  });

  it('fails the pass (audited as the service), drops what was queued and answers unavailable when the queue goes away mid-way', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 5);
    f.queue.failPlanAfter = 2;
    await expect(start(f, project)).rejects.toBeInstanceOf(WorkQueueUnavailableError);
    const [pass] = await f.projects.passes(ORG, project.id);
    expect(pass).toMatchObject({ status: 'failed', finishedAt: f.clock.now() });
    expect(f.queue.purged).toEqual([{ orgId: ORG, projectId: project.id }]);
    expect(f.queue.planned).toEqual([]);
    expect(f.audit.entries.map((e) => [e.action, e.actor.kind])).toEqual([
      ['migration.pass.started', 'account'],
      ['migration.pass.failed', 'service'],
    ]);
  });
});
