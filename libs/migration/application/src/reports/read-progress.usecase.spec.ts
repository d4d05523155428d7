import type { Pass, Project } from '../ports/project.ports';
import { controlPlane, ORG, OTHER_ORG } from '../testing/control-plane.fakes';
import { MigrationNotFoundError } from '../projects/control-plane.errors';
import { projectWithMappings, startPass } from '../testing/project.fixture';
import { ReadProgressUseCase } from './read-progress.usecase';
import { ReadReportUseCase } from './read-report.usecase';

type Fakes = ReturnType<typeof controlPlane>;

async function runningPass(
  f: Fakes,
  mailboxes = 3,
): Promise<{ project: Project; pass: Pass; ids: string[] }> {
  const project = await projectWithMappings(f, mailboxes);
  const pass = await startPass(f, project.id);
  const mappings = await f.projects.mappings(ORG, project.id);
  // user1, user2, user3: source-address order.
  const ids = [...mappings].sort((a, b) => a.sourceAddress.localeCompare(b.sourceAddress)).map((m) => m.id);
  return { project, pass, ids };
}

describe('migration control: progress', () => {
  it('sums the mailboxes, counts them by status and estimates the time left from the rate so far', async () => {
    const f = controlPlane();
    const { project, pass, ids } = await runningPass(f);
    const start = f.clock.now();
    f.projects.recordProgress(pass.id, ids[0] as string, {
      status: 'done',
      found: 100,
      migrated: 90,
      skipped: 6,
      failed: 4,
      bytesFound: 1000,
      bytesDone: 900,
      startedAt: start,
      finishedAt: new Date(start.getTime() + 50_000),
    });
    f.projects.recordProgress(pass.id, ids[1] as string, {
      status: 'running',
      found: 100,
      migrated: 10,
      bytesFound: 2000,
      bytesDone: 100,
      startedAt: start,
    });
    f.clock.advance(100_000);
    const p = await new ReadProgressUseCase(f.projects, f.clock).execute({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      mappingId: null,
      offset: 0,
      limit: 100,
    });
    expect(p.totals).toEqual({
      found: 200,
      migrated: 100,
      skipped: 6,
      failed: 4,
      bytesFound: 3000,
      bytesDone: 1000,
    });
    expect(p.mailboxes).toEqual({ total: 3, pending: 1, planning: 0, running: 1, done: 1, failed: 0 });
    // One read: no recent samples yet, so the average since the start: 110 items in 100 s. A mailbox is
    // still pending (its total unknown): no ETA.
    expect(p.figures).toEqual({
      percent: 55,
      itemsPerSecond: 1.1,
      bytesPerSecond: 10,
      etaSeconds: null,
      complete: false,
    });
    expect(p.rows.map((r) => [r.mapping.sourceAddress, r.mapping.targetAddress, r.progress.status])).toEqual([
      ['user1@source.example', 'user1@target.example', 'done'],
      ['user2@source.example', 'user2@target.example', 'running'],
      ['user3@source.example', 'user3@target.example', 'pending'],
    ]);
    expect(p.rows[0]?.figures).toEqual({
      percent: 100,
      itemsPerSecond: 2,
      bytesPerSecond: 18,
      etaSeconds: 0,
      complete: true,
    });
    expect(p.rows[2]?.figures).toMatchObject({ percent: null, etaSeconds: null, complete: false });
  });

  it('rates a watched pass by its recent samples and estimates the time left once every mailbox is planned', async () => {
    const f = controlPlane();
    const { project, pass, ids } = await runningPass(f, 1);
    const read = new ReadProgressUseCase(f.projects, f.clock);
    const at = (processed: number) => {
      f.projects.recordProgress(pass.id, ids[0] as string, {
        status: 'running',
        found: 1000,
        migrated: processed,
        bytesFound: 10_000,
        bytesDone: processed * 10,
        startedAt: pass.startedAt,
      });
      return read.execute({
        orgId: ORG,
        projectId: project.id,
        passId: pass.id,
        mappingId: null,
        offset: 0,
        limit: 0,
      });
    };
    f.clock.advance(100_000);
    // 100 items in the first 100 s: 1/s since the start, 900 left.
    expect((await at(100)).figures).toMatchObject({ itemsPerSecond: 1, etaSeconds: 900 });
    f.clock.advance(10_000);
    // Then 50 in 10 s: the recent rate (5/s) decides, 850 left.
    expect((await at(150)).figures).toMatchObject({
      itemsPerSecond: 5,
      bytesPerSecond: 50,
      etaSeconds: 170,
      percent: 15,
    });
  });

  it("answers the newest pass for the project, totals only with limit 0, one mailbox on request, and another organisation's as not found", async () => {
    const f = controlPlane();
    const { project, pass, ids } = await runningPass(f);
    const read = new ReadProgressUseCase(f.projects, f.clock);
    const newest = await read.execute({
      orgId: ORG,
      projectId: project.id,
      passId: null,
      mappingId: null,
      offset: 0,
      limit: 0,
    });
    expect(newest.pass?.id).toBe(pass.id);
    expect(newest.rows).toEqual([]);
    expect(newest.mailboxes.total).toBe(3);
    const one = await read.execute({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      mappingId: ids[1] as string,
      offset: 0,
      limit: 10,
    });
    expect(one.rows.map((r) => r.mapping.id)).toEqual([ids[1]]);
    const paged = await read.execute({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      mappingId: null,
      offset: 1,
      limit: 1,
    });
    expect(paged.rows.map((r) => r.mapping.id)).toEqual([ids[1]]);
    await expect(
      read.execute({
        orgId: OTHER_ORG,
        projectId: project.id,
        passId: pass.id,
        mappingId: null,
        offset: 0,
        limit: 10,
      }),
    ).rejects.toBeInstanceOf(MigrationNotFoundError);
    await expect(
      read.execute({
        orgId: ORG,
        projectId: project.id,
        passId: pass.id,
        mappingId: project.id,
        offset: 0,
        limit: 10,
      }),
    ).rejects.toBeInstanceOf(MigrationNotFoundError);
  });

  it('answers no pass for a project that has not run one', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f);
    const p = await new ReadProgressUseCase(f.projects, f.clock).execute({
      orgId: ORG,
      projectId: project.id,
      passId: null,
      mappingId: null,
      offset: 0,
      limit: 100,
    });
    expect(p.pass).toBeNull();
    expect(p.totals.found).toBe(0);
  });
});

describe('migration control: pass reports', () => {
  it('pages one row per mailbox with counts that add up and the cut-over time once the pass finished', async () => {
    const f = controlPlane();
    const { project, pass, ids } = await runningPass(f);
    ids.forEach((id, i) =>
      f.projects.recordProgress(pass.id, id, {
        status: 'done',
        found: 10 + i,
        migrated: 8,
        skipped: 1 + i,
        failed: 1,
        startedAt: f.clock.now(),
        finishedAt: f.clock.now(),
      }),
    );
    f.clock.advance(5000);
    f.projects.finishPass(pass.id);
    const reports = new ReadReportUseCase(f.projects, f.clock);
    const first = await reports.report({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      offset: 0,
      limit: 2,
    });
    const second = await reports.report({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      offset: 2,
      limit: 2,
    });
    expect(first.totalRows).toBe(3);
    expect(first.pass.status).toBe('completed');
    const rows = [...first.rows, ...second.rows];
    expect(rows.map((r) => r.mapping.id)).toEqual(ids);
    for (const r of rows) {
      expect(r.progress.found).toBe(r.progress.migrated + r.progress.skipped + r.progress.failed);
      expect(r.mapping.lastPassFinishedAt).toEqual(f.clock.now());
    }
    expect(first.totals).toMatchObject({ found: 33, migrated: 24, skipped: 6, failed: 3 });
  });

  it('pages failed items and says whether more follow', async () => {
    const f = controlPlane();
    const { project, pass, ids } = await runningPass(f, 1);
    for (let i = 0; i < 3; i++)
      f.projects.addFailure(pass.id, {
        mappingId: ids[0] as string,
        sourceId: `m${i}`,
        reason: 'too-large',
        detail: 'graph 413',
        at: f.clock.now(),
      });
    const reports = new ReadReportUseCase(f.projects, f.clock);
    const a = await reports.failures({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      offset: 0,
      limit: 2,
    });
    const b = await reports.failures({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      offset: 2,
      limit: 2,
    });
    expect([a.items.map((i) => i.sourceId), a.hasMore, b.items.map((i) => i.sourceId), b.hasMore]).toEqual([
      ['m0', 'm1'],
      true,
      ['m2'],
      false,
    ]);
    await expect(
      reports.failures({ orgId: OTHER_ORG, projectId: project.id, passId: pass.id, offset: 0, limit: 2 }),
    ).rejects.toBeInstanceOf(MigrationNotFoundError);
  });
});
