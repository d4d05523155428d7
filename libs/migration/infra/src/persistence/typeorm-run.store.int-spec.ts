import { randomUUID } from 'node:crypto';
import type { BatchResult, Pass, Project } from '@ferry/migration/application';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { MailboxRunEntity } from './mailbox-run.entity';
import { MappingEntity } from './mapping.entity';
import {
  mappingRows,
  NO_AUDIT,
  openMigrationDatabase,
  testPass,
  testProject,
} from './migration-database.fixture';
import { PassEntity } from './pass.entity';
import { TypeormProjectRepository } from './typeorm-project.repository';
import { FAILURE_DETAIL_MAX, TypeormRunStore } from './typeorm-run.store';

jest.setTimeout(120_000);

const ORG = randomUUID();
const OTHER_ORG = randomUUID();
const KEY = 'c'.repeat(64);

/** A batch result with `migrated` done items and the given failed source ids. */
function batch(
  pass: Pass,
  mappingId: string,
  batchId: string,
  migrated: number,
  failedIds: string[] = [],
  skipped = 0,
): BatchResult {
  return {
    passId: pass.id,
    mappingId,
    batchId,
    migrated,
    skipped,
    failed: failedIds.length,
    bytes: migrated * 1000,
    failures: failedIds.map((sourceId) => ({
      sourceId,
      reason: 'too-large' as const,
      detail: 'over the target limit',
    })),
  };
}

describe('migration persistence: runs, batches and pass completion', () => {
  let database: TestDatabase;
  let db: DataSource;
  let projects: TypeormProjectRepository;
  let runs: TypeormRunStore;

  beforeAll(async () => {
    database = await createTestDatabase('migration_runs');
    db = await openMigrationDatabase(database.url, 20);
    projects = new TypeormProjectRepository(db);
    runs = new TypeormRunStore(db, (address) => `pseudo:${address.length}`);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** A project with `count` mappings and a running pass over all of them. */
  async function runningPass(count: number, overrides: Partial<Project> = {}) {
    const project = testProject(ORG, overrides);
    await projects.insert(project, NO_AUDIT);
    await projects.replaceMappings(ORG, project.id, mappingRows(count), NO_AUDIT);
    const ids = (await projects.mappings(ORG, project.id)).map((m) => m.id);
    const pass = testPass(project);
    await projects.insertPass(pass, ids, NO_AUDIT);
    return { project, pass, ids };
  }

  const plan = (
    pass: Pass,
    mappingId: string,
    batches: number,
    found: number,
    nextCursor: string | null = 'cursor-next',
    skipped = 0,
  ) =>
    runs.recordPlan({
      passId: pass.id,
      mappingId,
      batches,
      found,
      bytesFound: found * 1000,
      skipped,
      nextCursor,
    });
  const openRuns = async (pass: Pass) =>
    (await db.getRepository(PassEntity).findOneByOrFail({ id: pass.id })).openRuns;
  const mappingRow = (id: string) => db.getRepository(MappingEntity).findOneByOrFail({ id });

  it("joins pass, project and mapping into the worker's view, naming mailboxes by pseudonym, for the pass's organisation only", async () => {
    const { project, pass, ids } = await runningPass(1, {
      deletionPolicy: 'mirror',
      extraLabels: 'ignore',
      source: 'imap',
      target: 'google',
    });
    const work = await runs.mappingWork(ORG, pass.id, ids[0]!);
    expect(work).toEqual({
      orgId: ORG,
      projectId: project.id,
      passId: pass.id,
      mappingId: ids[0],
      passKind: 'full',
      passStatus: 'running',
      source: {
        orgId: ORG,
        connectorId: project.sourceConnectorId,
        system: 'imap',
        address: 'user0@source.example',
        pseudonym: 'pseudo:20',
        tenantKey: project.sourceConnectorId,
      },
      target: {
        orgId: ORG,
        connectorId: project.targetConnectorId,
        system: 'google',
        address: 'user0@target.example',
        pseudonym: 'pseudo:20',
        tenantKey: project.targetConnectorId,
      },
      deletionPolicy: 'mirror',
      extraLabels: 'ignore',
      cursor: null,
    });
    expect(await runs.mappingWork(OTHER_ORG, pass.id, ids[0]!)).toBeNull();
    expect(await runs.mappingWork(ORG, randomUUID(), ids[0]!)).toBeNull();
    // A mapping of another project is not this pass's.
    const other = await runningPass(1);
    expect(await runs.mappingWork(ORG, pass.id, other.ids[0]!)).toBeNull();
  });

  it('records a batch once: the same batch again (a redelivery) changes nothing', async () => {
    const { pass, ids } = await runningPass(1);
    const mappingId = ids[0]!;
    await plan(pass, mappingId, 2, 10);
    const first = batch(pass, mappingId, 'b0', 4, ['x1']);
    expect(await runs.recordBatch(first)).toBe(true);
    expect(await runs.recordBatch(first)).toBe(false);
    expect(await runs.recordBatch({ ...first, migrated: 5, failures: [] })).toBe(false);
    const [progress] = await projects.progress(ORG, pass.id);
    expect(progress).toMatchObject({ status: 'running', migrated: 4, failed: 1, bytesDone: 4000 });
    expect(await projects.failures(ORG, pass.id, 10, 0)).toHaveLength(1);
    // Concurrent duplicates: one records, the others are told it was recorded.
    const second = batch(pass, mappingId, 'b1', 5);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => runs.recordBatch(second)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await projects.progress(ORG, pass.id))[0]).toMatchObject({
      status: 'done',
      migrated: 9,
      failed: 1,
    });
    expect(
      (await db.getRepository(MailboxRunEntity).findOneByOrFail({ passId: pass.id, mappingId }))
        .batchesRecorded,
    ).toBe(2);
  });

  it('records a plan once, and a plan of no batches finishes the mailbox and, the last one, the pass', async () => {
    const { pass, ids } = await runningPass(2);
    expect(await plan(pass, ids[0]!, 0, 3, 'cursor-a', 3)).toBe(true);
    expect(await plan(pass, ids[0]!, 7, 99, 'cursor-other')).toBe(false);
    expect((await projects.progress(ORG, pass.id))[0]).toBeDefined();
    const first = (await projects.progress(ORG, pass.id)).find((p) => p.mappingId === ids[0]);
    expect(first).toMatchObject({ status: 'done', found: 3, skipped: 3, migrated: 0, failed: 0 });
    expect(await mappingRow(ids[0]!)).toMatchObject({ feedCursor: 'cursor-a', lastPassId: pass.id });
    expect((await projects.pass(ORG, pass.id))?.status).toBe('running');

    expect(await plan(pass, ids[1]!, 0, 0, null)).toBe(true);
    const finished = await projects.pass(ORG, pass.id);
    expect(finished?.status).toBe('completed');
    expect(finished?.finishedAt).toBeInstanceOf(Date);
    expect(await openRuns(pass)).toBe(0);
  });

  it('finishes a mailbox whose batches were all recorded before its plan, when the plan arrives', async () => {
    const { pass, ids } = await runningPass(1);
    expect(await runs.recordBatch(batch(pass, ids[0]!, 'b0', 2))).toBe(true);
    expect(await runs.recordBatch(batch(pass, ids[0]!, 'b1', 3))).toBe(true);
    expect((await projects.progress(ORG, pass.id))[0]?.status).toBe('pending');
    await plan(pass, ids[0]!, 2, 5, 'cursor-late');
    expect((await projects.progress(ORG, pass.id))[0]).toMatchObject({
      status: 'done',
      found: 5,
      migrated: 5,
    });
    expect((await projects.pass(ORG, pass.id))?.status).toBe('completed');
    expect((await mappingRow(ids[0]!)).feedCursor).toBe('cursor-late');
  });

  it('finishes the mailbox and the pass exactly once when two workers record the last two batches at once', async () => {
    // Many rounds, each racing the last batches of a mailbox and the last mailboxes of a pass.
    for (let round = 0; round < 8; round++) {
      const { pass, ids } = await runningPass(2);
      const [a, b] = [ids[0]!, ids[1]!];
      await plan(pass, a, 3, 30, `cursor-a-${round}`);
      await plan(pass, b, 2, 20, `cursor-b-${round}`);
      expect(await runs.recordBatch(batch(pass, a, 'a0', 10))).toBe(true);
      const outcomes = await Promise.all([
        runs.recordBatch(batch(pass, a, 'a1', 10)),
        runs.recordBatch(batch(pass, a, 'a2', 9, ['fa'])),
        runs.recordBatch(batch(pass, b, 'b0', 10)),
        runs.recordBatch(batch(pass, b, 'b1', 10)),
      ]);
      expect(outcomes).toEqual([true, true, true, true]);

      const progress = await projects.progress(ORG, pass.id);
      expect(progress.map((p) => p.status)).toEqual(['done', 'done']);
      const runRows = await db.getRepository(MailboxRunEntity).findBy({ passId: pass.id });
      expect(runRows.map((r) => r.batchesRecorded).sort()).toEqual([2, 3]);
      // Each run closed once on its pass: a double close would leave -1, a missed one 1.
      expect(await openRuns(pass)).toBe(0);
      expect((await projects.pass(ORG, pass.id))?.status).toBe('completed');
      expect(await mappingRow(a)).toMatchObject({ feedCursor: `cursor-a-${round}`, lastPassId: pass.id });
      expect(await mappingRow(b)).toMatchObject({ feedCursor: `cursor-b-${round}`, lastPassId: pass.id });
    }
  });

  it('reports counts that add up once a mailbox is done: found = migrated + skipped + failed', async () => {
    const { pass, ids } = await runningPass(1);
    const mappingId = ids[0]!;
    // 12 found: 2 unchanged (skipped at planning), 3 batches carrying the other 10.
    await plan(pass, mappingId, 3, 12, 'c', 2);
    await runs.recordBatch(batch(pass, mappingId, 'b0', 4));
    await runs.recordBatch(batch(pass, mappingId, 'b1', 2, ['f1', 'f2']));
    await runs.recordBatch(batch(pass, mappingId, 'b2', 1, [], 1));
    const [p] = await projects.progress(ORG, pass.id);
    expect(p).toMatchObject({
      status: 'done',
      found: 12,
      migrated: 7,
      skipped: 3,
      failed: 2,
      bytesFound: 12_000,
      bytesDone: 7000,
    });
    expect(p!.found).toBe(p!.migrated + p!.skipped + p!.failed);
    const failures = await projects.failures(ORG, pass.id, 10, 0);
    expect(failures.map((f) => [f.mappingId, f.sourceId, f.reason])).toEqual([
      [mappingId, 'f1', 'too-large'],
      [mappingId, 'f2', 'too-large'],
    ]);
    expect(await projects.failures(ORG, pass.id, 1, 1)).toEqual([failures[1]]);
  });

  it('keeps one failure per item of a batch, its detail capped', async () => {
    const { pass, ids } = await runningPass(1);
    await plan(pass, ids[0]!, 1, 2);
    const long = 'x'.repeat(FAILURE_DETAIL_MAX * 3);
    await runs.recordBatch({
      ...batch(pass, ids[0]!, 'b0', 0),
      failed: 2,
      failures: [
        { sourceId: 'dup', reason: 'corrupt', detail: long },
        { sourceId: 'dup', reason: 'internal', detail: 'second' },
        // Provider ids are case-sensitive: these are two items.
        { sourceId: 'Dup', reason: 'corrupt', detail: 'other' },
      ],
    });
    const failures = await projects.failures(ORG, pass.id, 10, 0);
    expect(failures.map((f) => f.sourceId).sort()).toEqual(['Dup', 'dup']);
    expect(failures.find((f) => f.sourceId === 'dup')?.detail).toHaveLength(FAILURE_DETAIL_MAX);
  });

  it('fails a mailbox for good, and the pass completes when its last mailbox fails', async () => {
    const { pass, ids } = await runningPass(2);
    await plan(pass, ids[0]!, 0, 0);
    await runs.failMapping(pass.id, ids[1]!, 'gone-from-source', 'mailbox not found (404)');
    await runs.failMapping(pass.id, ids[1]!, 'internal', 'again');
    const failed = (await projects.progress(ORG, pass.id)).find((p) => p.mappingId === ids[1]);
    expect(failed?.status).toBe('failed');
    expect(
      await db.getRepository(MailboxRunEntity).findOneByOrFail({ passId: pass.id, mappingId: ids[1]! }),
    ).toMatchObject({ failureReason: 'gone-from-source', failureDetail: 'mailbox not found (404)' });
    expect((await projects.pass(ORG, pass.id))?.status).toBe('completed');
    expect(await openRuns(pass)).toBe(0);
    // A failed mailbox keeps no new cursor and no last pass.
    expect(await mappingRow(ids[1]!)).toMatchObject({ feedCursor: null, lastPassId: null });
    // A late plan of a failed mailbox is not recorded.
    expect(await plan(pass, ids[1]!, 1, 1)).toBe(false);
  });

  it('leaves a cancelled pass cancelled when its in-flight last batch lands, and never moves a cursor back', async () => {
    const { project, pass: old, ids } = await runningPass(1);
    const mappingId = ids[0]!;
    await plan(old, mappingId, 1, 1, 'cursor-old');
    await projects.setPassStatus(ORG, old.id, ['running'], 'cancelled', NO_AUDIT);
    // A newer pass finishes first...
    const newer = testPass(project, { kind: 'delta', createdAt: new Date(Date.now() + 1000) });
    await projects.insertPass(newer, ids, NO_AUDIT);
    await plan(newer, mappingId, 0, 0, 'cursor-new');
    expect((await mappingRow(mappingId)).feedCursor).toBe('cursor-new');
    // ...then the cancelled pass's last batch lands.
    expect(await runs.recordBatch(batch(old, mappingId, 'b0', 1))).toBe(true);
    expect((await projects.progress(ORG, old.id))[0]?.status).toBe('done');
    expect((await projects.pass(ORG, old.id))?.status).toBe('cancelled');
    expect(await mappingRow(mappingId)).toMatchObject({ feedCursor: 'cursor-new', lastPassId: newer.id });
  });

  it('answers nothing to record for a batch of a deleted project', async () => {
    const { project, pass, ids } = await runningPass(1);
    await projects.setPassStatus(ORG, pass.id, ['running'], 'cancelled', NO_AUDIT);
    await projects.delete(ORG, project.id, NO_AUDIT);
    expect(await runs.recordBatch(batch(pass, ids[0]!, 'b0', 1))).toBe(false);
    expect(await plan(pass, ids[0]!, 1, 1)).toBe(false);
    expect(await runs.mappingWork(ORG, pass.id, ids[0]!)).toBeNull();
  });

  it('keeps target folders by path key, refusing anything that is not a key', async () => {
    const { ids } = await runningPass(1);
    const mappingId = ids[0]!;
    const other = 'd'.repeat(64);
    await runs.saveTargetFolders(mappingId, new Map([[KEY, 'AAMkFolder1']]));
    await runs.saveTargetFolders(
      mappingId,
      new Map([
        [KEY, 'AAMkFolder1-moved'],
        [other, 'AAMkFolder2'],
      ]),
    );
    expect(await runs.targetFolders(mappingId)).toEqual(
      new Map([
        [KEY, 'AAMkFolder1-moved'],
        [other, 'AAMkFolder2'],
      ]),
    );
    await expect(runs.saveTargetFolders(mappingId, new Map([['Inbox/Projects', 'x']]))).rejects.toThrow(
      'never the path',
    );
    const many = new Map(
      Array.from({ length: 1500 }, (_, i) => [i.toString(16).padStart(64, '0'), `folder-${i}`] as const),
    );
    await runs.saveTargetFolders(mappingId, many);
    expect((await runs.targetFolders(mappingId)).size).toBe(1502);
  });
});
