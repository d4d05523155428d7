import { controlPlane, ORG } from '../testing/control-plane.fakes';
import { projectWithMappings, startPass } from '../testing/project.fixture';
import { StartDuePassesUseCase } from './start-due-passes.usecase';

describe('migration control: the scheduler tick', () => {
  it('starts scheduled passes whose time has come, as the service, and queues their mailboxes; later ones wait', async () => {
    const f = controlPlane();
    const soon = await projectWithMappings(f, 2);
    const later = await projectWithMappings(f, 1);
    const schedule = (projectId: string, inMs: number) =>
      startPass(f, projectId, {
        kind: 'delta',
        final: true,
        scheduledFor: new Date(f.clock.now().getTime() + inMs),
      });
    const due = await schedule(soon.id, 60_000);
    const notYet = await schedule(later.id, 3_600_000);
    f.audit.entries.length = 0;
    const tick = new StartDuePassesUseCase(f.projects, f.queue, f.audit);
    expect(await tick.execute(f.clock.now())).toEqual({ started: 0, failed: 0 });
    f.clock.advance(60_000);
    expect(await tick.execute(f.clock.now())).toEqual({ started: 1, failed: 0 });
    expect(await f.projects.pass(ORG, due.id)).toMatchObject({ status: 'running', startedAt: f.clock.now() });
    expect(await f.projects.pass(ORG, notYet.id)).toMatchObject({ status: 'scheduled' });
    expect(f.queue.queuedFor(due.id)).toHaveLength(2);
    expect(f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'migration.pass.started',
        actor: { kind: 'service', id: 'migration' },
        target: { type: 'pass', id: due.id },
        detail: expect.objectContaining({ scheduled: 'true', mailboxes: '2' }) as unknown,
      }),
    ]);
    expect(await tick.execute(f.clock.now())).toEqual({ started: 0, failed: 0 });
  });

  it('fails a due pass whose work cannot be queued and still starts the others; an unauditable start waits for the next tick', async () => {
    const f = controlPlane();
    const a = await projectWithMappings(f, 1);
    const b = await projectWithMappings(f, 1);
    for (const project of [a, b]) {
      await startPass(f, project.id, { scheduledFor: new Date(f.clock.now().getTime() + 1000) });
    }
    f.clock.advance(1000);
    f.audit.failing = true;
    const tick = new StartDuePassesUseCase(f.projects, f.queue, f.audit);
    expect(await tick.execute(f.clock.now())).toEqual({ started: 0, failed: 0 });
    expect((await f.projects.duePasses(f.clock.now(), 10)).length).toBe(2);
    f.audit.failing = false;
    f.queue.failOpen = true;
    expect(await tick.execute(f.clock.now())).toEqual({ started: 0, failed: 2 });
    const statuses = [...(await f.projects.passes(ORG, a.id)), ...(await f.projects.passes(ORG, b.id))].map(
      (p) => p.status,
    );
    expect(statuses).toEqual(['failed', 'failed']);
  });
});
