import { randomUUID } from 'node:crypto';
import type { Pass } from '@ferry/migration/application';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { ItemRefEntity } from './item-ref.entity';
import { MappingEntity } from './mapping.entity';
import {
  mappingRows,
  NO_AUDIT,
  openMigrationDatabase,
  testPass,
  testProject,
} from './migration-database.fixture';
import { DuplicateSourceAddressError } from './mapping-replacement';
import { TargetFolderEntity } from './target-folder.entity';
import { TypeormProjectRepository } from './typeorm-project.repository';
import { TypeormReferenceStore } from './typeorm-reference.store';
import { TypeormRunStore } from './typeorm-run.store';

jest.setTimeout(60_000);

const ORG = randomUUID();
const OTHER_ORG = randomUUID();
const HASH = 'a'.repeat(64);
const KEY = 'b'.repeat(64);

describe('migration persistence: projects, mappings and passes', () => {
  let database: TestDatabase;
  let db: DataSource;
  let repo: TypeormProjectRepository;
  let runs: TypeormRunStore;
  let refs: TypeormReferenceStore;

  beforeAll(async () => {
    database = await createTestDatabase('migration_projects');
    db = await openMigrationDatabase(database.url);
    repo = new TypeormProjectRepository(db);
    runs = new TypeormRunStore(db, (a) => `p_${a.length}`);
    refs = new TypeormReferenceStore(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** A stored project with `count` mappings, and their ids. */
  async function projectWithMappings(count: number, orgId: string = ORG) {
    const project = testProject(orgId);
    await repo.insert(project, NO_AUDIT);
    expect(await repo.replaceMappings(orgId, project.id, mappingRows(count), NO_AUDIT)).toBe(true);
    const mappings = await repo.mappings(orgId, project.id);
    return { project, mappings, ids: mappings.map((m) => m.id) };
  }

  it('reads a project back as stored, and answers another organisation as if it did not exist', async () => {
    const { project, ids } = await projectWithMappings(2);
    const pass = testPass(project);
    await repo.insertPass(pass, ids, NO_AUDIT);

    expect(await repo.get(ORG, project.id)).toEqual(project);
    expect((await repo.list(ORG)).map((p) => p.id)).toContain(project.id);
    expect(await repo.pass(ORG, pass.id)).toEqual(pass);

    expect(await repo.get(OTHER_ORG, project.id)).toBeNull();
    expect(await repo.list(OTHER_ORG)).toEqual([]);
    expect(await repo.mappings(OTHER_ORG, project.id)).toEqual([]);
    expect(await repo.passes(OTHER_ORG, project.id)).toEqual([]);
    expect(await repo.pass(OTHER_ORG, pass.id)).toBeNull();
    expect(await repo.progress(OTHER_ORG, pass.id)).toEqual([]);
    expect(await repo.failures(OTHER_ORG, pass.id, 10, 0)).toEqual([]);
    expect(await repo.setPassStatus(OTHER_ORG, pass.id, ['running'], 'paused', NO_AUDIT)).toBe(false);
    expect(await repo.replaceMappings(OTHER_ORG, project.id, mappingRows(1), NO_AUDIT)).toBe(false);
    expect(await repo.delete(OTHER_ORG, project.id, NO_AUDIT)).toBe(false);
    await expect(repo.insertPass(testPass({ ...project, orgId: OTHER_ORG }), [], NO_AUDIT)).rejects.toThrow(
      'organisation does not have',
    );
    expect(await runs.mappingWork(OTHER_ORG, pass.id, ids[0]!)).toBeNull();
    // Still all there for its own organisation.
    expect((await repo.pass(ORG, pass.id))?.status).toBe('running');
    expect(await repo.mappings(ORG, project.id)).toHaveLength(2);
  });

  it('keeps mapping ids for source addresses that stay (whatever their case), and a retargeted row forgets its target', async () => {
    const project = testProject(ORG);
    await repo.insert(project, NO_AUDIT);
    await repo.replaceMappings(
      ORG,
      project.id,
      [
        { sourceAddress: 'ada@source.example', targetAddress: 'ada@target.example' },
        { sourceAddress: 'bob@source.example', targetAddress: 'bob@target.example' },
        { sourceAddress: 'cy@source.example', targetAddress: 'cy@target.example' },
      ],
      NO_AUDIT,
    );
    const before = new Map(
      (await repo.mappings(ORG, project.id)).map((m) => [m.sourceAddress.toLowerCase(), m.id]),
    );
    const [ada, bob, cy] = [
      before.get('ada@source.example')!,
      before.get('bob@source.example')!,
      before.get('cy@source.example')!,
    ];
    // Ada and Bob have copied items and known folders; Bob finished a pass (a cursor).
    for (const mappingId of [ada, bob]) {
      await refs.put([
        {
          projectId: project.id,
          mappingId,
          sourceId: 'm1',
          targetId: 't1',
          folderId: 'INBOX',
          changeStamp: '1',
          contentHash: HASH,
          receivedAt: 1,
        },
      ]);
      await runs.saveTargetFolders(mappingId, new Map([[KEY, 'folder-1']]));
    }
    await db
      .getRepository(MappingEntity)
      .update(
        { id: bob },
        { feedCursor: 'history-9', lastPassId: randomUUID(), lastPassFinishedAt: new Date() },
      );

    const replaced = await repo.replaceMappings(
      ORG,
      project.id,
      [
        { sourceAddress: 'Ada@Source.example', targetAddress: 'ada@target.example' }, // same mailbox, new spelling
        { sourceAddress: 'bob@source.example', targetAddress: 'robert@target.example' }, // new target mailbox
        { sourceAddress: 'dee@source.example', targetAddress: 'dee@target.example' }, // new row; cy removed
      ],
      NO_AUDIT,
    );
    expect(replaced).toBe(true);

    const after = await repo.mappings(ORG, project.id);
    const bySource = new Map(after.map((m) => [m.sourceAddress, m]));
    expect(after).toHaveLength(3);
    expect(bySource.get('Ada@Source.example')?.id).toBe(ada);
    expect(bySource.get('bob@source.example')).toMatchObject({
      id: bob,
      targetAddress: 'robert@target.example',
      lastPassId: null,
      lastPassFinishedAt: null,
    });
    expect([ada, bob, cy]).not.toContain(bySource.get('dee@source.example')?.id);
    expect(after.map((m) => m.id)).not.toContain(cy);
    // Ada keeps what she knows of her target; Bob's copies are in a mailbox he no longer writes to.
    expect((await refs.get(project.id, ada, ['m1'])).size).toBe(1);
    expect((await refs.get(project.id, bob, ['m1'])).size).toBe(0);
    expect(await runs.targetFolders(ada)).toEqual(new Map([[KEY, 'folder-1']]));
    expect(await runs.targetFolders(bob)).toEqual(new Map());
    expect((await db.getRepository(MappingEntity).findOneByOrFail({ id: bob })).feedCursor).toBeNull();
  });

  it('refuses to replace the mapping while a pass of the project is scheduled, running or paused, and allows it once the pass ended', async () => {
    const { project, ids } = await projectWithMappings(2);
    const pass = testPass(project);
    await repo.insertPass(pass, ids, NO_AUDIT);
    expect(await repo.replaceMappings(ORG, project.id, mappingRows(1), NO_AUDIT)).toBe(false);
    expect(await repo.setPassStatus(ORG, pass.id, ['running'], 'paused', NO_AUDIT)).toBe(true);
    expect(await repo.replaceMappings(ORG, project.id, mappingRows(1), NO_AUDIT)).toBe(false);
    expect(await repo.setPassStatus(ORG, pass.id, ['paused'], 'cancelled', NO_AUDIT)).toBe(true);
    const scheduled = testPass(project, {
      status: 'scheduled',
      scheduledFor: new Date(Date.now() + 60_000),
      startedAt: null,
    });
    await repo.insertPass(scheduled, ids, NO_AUDIT);
    expect(await repo.replaceMappings(ORG, project.id, mappingRows(1), NO_AUDIT)).toBe(false);
    expect(await repo.mappings(ORG, project.id)).toHaveLength(2);

    expect(await repo.setPassStatus(ORG, scheduled.id, ['scheduled'], 'cancelled', NO_AUDIT)).toBe(true);
    // The removed mapping's runs in the ended passes go with it.
    expect(await repo.replaceMappings(ORG, project.id, mappingRows(1), NO_AUDIT)).toBe(true);
    expect((await repo.mappings(ORG, project.id)).map((m) => m.id)).toEqual([ids[0]]);
    expect((await repo.progress(ORG, pass.id)).map((p) => p.mappingId)).toEqual([ids[0]]);
  });

  it('refuses two rows for one source mailbox and stores nothing of them', async () => {
    const { project, ids } = await projectWithMappings(1);
    const rows = [
      ...mappingRows(2),
      { sourceAddress: 'USER1@source.example', targetAddress: 'x@target.example' },
    ];
    await expect(repo.replaceMappings(ORG, project.id, rows, NO_AUDIT)).rejects.toBeInstanceOf(
      DuplicateSourceAddressError,
    );
    expect((await repo.mappings(ORG, project.id)).map((m) => m.id)).toEqual(ids);
  });

  it('replaces a mapping of 3,000 rows, more than one statement takes on SQL Server', async () => {
    const { project } = await projectWithMappings(3000);
    const pass = testPass(project);
    await repo.insertPass(
      pass,
      (await repo.mappings(ORG, project.id)).map((m) => m.id),
      NO_AUDIT,
    );
    expect(await repo.progress(ORG, pass.id)).toHaveLength(3000);
  });

  it('rolls a change back when its before-commit step (the audit record) throws', async () => {
    const { project, ids } = await projectWithMappings(2);
    const pass = testPass(project);
    const failing = () => Promise.reject(new Error('audit unavailable'));
    await expect(repo.insertPass(pass, ids, failing)).rejects.toThrow('audit unavailable');
    expect(await repo.pass(ORG, pass.id)).toBeNull();
    await expect(repo.replaceMappings(ORG, project.id, mappingRows(5), failing)).rejects.toThrow(
      'audit unavailable',
    );
    expect(await repo.mappings(ORG, project.id)).toHaveLength(2);
    await expect(repo.delete(ORG, project.id, failing)).rejects.toThrow('audit unavailable');
    expect(await repo.get(ORG, project.id)).not.toBeNull();
  });

  it('refuses a pass over a mapping of another project', async () => {
    const { project } = await projectWithMappings(1);
    const other = await projectWithMappings(1);
    await expect(repo.insertPass(testPass(project), other.ids, NO_AUDIT)).rejects.toThrow(
      'mappings its project does not have',
    );
  });

  it('moves a pass by compare-and-set, stamping its first start and its end', async () => {
    const { project, ids } = await projectWithMappings(1);
    const pass = testPass(project, { status: 'scheduled', scheduledFor: new Date(), startedAt: null });
    await repo.insertPass(pass, ids, NO_AUDIT);
    expect(await repo.setPassStatus(ORG, pass.id, ['running'], 'paused', NO_AUDIT)).toBe(false);
    expect(await repo.setPassStatus(ORG, pass.id, ['scheduled'], 'running', NO_AUDIT)).toBe(true);
    const started = (await repo.pass(ORG, pass.id))!.startedAt;
    expect(started).toBeInstanceOf(Date);
    expect(await repo.setPassStatus(ORG, pass.id, ['running'], 'paused', NO_AUDIT)).toBe(true);
    expect(await repo.setPassStatus(ORG, pass.id, ['paused'], 'running', NO_AUDIT)).toBe(true);
    expect((await repo.pass(ORG, pass.id))!.startedAt).toEqual(started);
    expect(await repo.setPassStatus(ORG, pass.id, ['running', 'paused'], 'cancelled', NO_AUDIT)).toBe(true);
    const cancelled = await repo.pass(ORG, pass.id);
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.finishedAt).toBeInstanceOf(Date);
    // Of two concurrent moves from the same state, one wins.
    const racing = testPass(project);
    await repo.insertPass(racing, ids, NO_AUDIT);
    const outcomes = await Promise.all([
      repo.setPassStatus(ORG, racing.id, ['running'], 'paused', NO_AUDIT),
      repo.setPassStatus(ORG, racing.id, ['running'], 'cancelled', NO_AUDIT),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('lists scheduled passes whose time has come, of any organisation, earliest first', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const scheduled = async (orgId: string, at: Date): Promise<Pass> => {
      const { project, ids } = await projectWithMappings(1, orgId);
      const pass = testPass(project, { status: 'scheduled', scheduledFor: at, startedAt: null });
      await repo.insertPass(pass, ids, NO_AUDIT);
      return pass;
    };
    const late = await scheduled(ORG, new Date(now.getTime() - 1_000));
    const early = await scheduled(OTHER_ORG, new Date(now.getTime() - 60_000));
    const future = await scheduled(ORG, new Date(now.getTime() + 1_000));
    const due = (await repo.duePasses(now, 100)).map((p) => p.id);
    expect(due.indexOf(early.id)).toBeLessThan(due.indexOf(late.id));
    expect(due.indexOf(early.id)).toBeGreaterThanOrEqual(0);
    expect(due).not.toContain(future.id);
    expect(await repo.duePasses(now, 1)).toHaveLength(1);
  });

  it('deletes a project with its mappings, passes, progress, failures, references and target folders, and nothing of another project', async () => {
    const doomed = await projectWithMappings(2);
    const kept = await projectWithMappings(1);
    for (const { project, ids } of [doomed, kept]) {
      const pass = testPass(project);
      await repo.insertPass(pass, ids, NO_AUDIT);
      await runs.recordPlan({
        passId: pass.id,
        mappingId: ids[0]!,
        batches: 1,
        found: 2,
        bytesFound: 10,
        skipped: 0,
        nextCursor: 'c1',
      });
      await runs.recordBatch({
        passId: pass.id,
        mappingId: ids[0]!,
        batchId: 'b0',
        migrated: 1,
        skipped: 0,
        failed: 1,
        bytes: 5,
        failures: [{ sourceId: 's2', reason: 'corrupt', detail: 'MIME' }],
      });
      await refs.put([
        {
          projectId: project.id,
          mappingId: ids[0]!,
          sourceId: 's1',
          targetId: 't1',
          folderId: 'f',
          changeStamp: '1',
          contentHash: HASH,
          receivedAt: 1,
        },
      ]);
      await runs.saveTargetFolders(ids[0]!, new Map([[KEY, 'folder']]));
    }
    expect(await repo.delete(ORG, doomed.project.id, NO_AUDIT)).toBe(true);
    expect(await repo.get(ORG, doomed.project.id)).toBeNull();
    expect(await repo.passes(ORG, doomed.project.id)).toEqual([]);
    expect(await db.getRepository(MappingEntity).countBy({ projectId: doomed.project.id })).toBe(0);
    expect(await db.getRepository(ItemRefEntity).countBy({ projectId: doomed.project.id })).toBe(0);
    expect(await db.getRepository(TargetFolderEntity).countBy({ mappingId: doomed.ids[0]! })).toBe(0);
    expect(await repo.delete(ORG, doomed.project.id, NO_AUDIT)).toBe(false);

    const keptPass = (await repo.passes(ORG, kept.project.id))[0]!;
    expect(await repo.failures(ORG, keptPass.id, 10, 0)).toHaveLength(1);
    expect((await refs.get(kept.project.id, kept.ids[0]!, ['s1'])).size).toBe(1);
    expect(await runs.targetFolders(kept.ids[0]!)).toEqual(new Map([[KEY, 'folder']]));
  });
});
