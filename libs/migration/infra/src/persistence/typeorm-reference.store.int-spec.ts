import { randomUUID } from 'node:crypto';
import type { ItemReference } from '@ferry/migration/application';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource, QueryRunner } from 'typeorm';
import { mappingRows, NO_AUDIT, openMigrationDatabase, testProject } from './migration-database.fixture';
import { TypeormProjectRepository } from './typeorm-project.repository';
import { TypeormReferenceStore } from './typeorm-reference.store';

jest.setTimeout(120_000);

const ORG = randomUUID();

describe('migration persistence: the reference store', () => {
  let database: TestDatabase;
  let db: DataSource;
  let store: TypeormReferenceStore;
  let projectId: string;
  let mappingId: string;
  let otherMappingId: string;

  beforeAll(async () => {
    database = await createTestDatabase('migration_refs');
    db = await openMigrationDatabase(database.url);
    store = new TypeormReferenceStore(db);
    const projects = new TypeormProjectRepository(db);
    const project = testProject(ORG);
    await projects.insert(project, NO_AUDIT);
    await projects.replaceMappings(ORG, project.id, mappingRows(2), NO_AUDIT);
    [mappingId, otherMappingId] = (await projects.mappings(ORG, project.id)).map((m) => m.id) as [
      string,
      string,
    ];
    projectId = project.id;
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const ref = (sourceId: string, overrides: Partial<ItemReference> = {}): ItemReference => ({
    projectId,
    mappingId,
    sourceId,
    targetId: `target-${sourceId}`,
    folderId: 'Label_7',
    changeStamp: '4711',
    contentHash: 'ab'.repeat(32),
    receivedAt: 1_700_000_000_123,
    ...overrides,
  });

  it('stores references, replaces them by (project, mapping, source id), and reads back only those asked for', async () => {
    await store.put([ref('m1'), ref('m2'), ref('m1', { mappingId: otherMappingId, targetId: 'elsewhere' })]);
    await store.put([ref('m1', { targetId: 'moved', changeStamp: '4712', folderId: 'INBOX' })]);
    const found = await store.get(projectId, mappingId, ['m1', 'm2', 'missing', 'm1']);
    expect([...found.keys()].sort()).toEqual(['m1', 'm2']);
    expect(found.get('m1')).toEqual(ref('m1', { targetId: 'moved', changeStamp: '4712', folderId: 'INBOX' }));
    expect(found.get('m2')).toEqual(ref('m2'));
    expect((await store.get(projectId, otherMappingId, ['m1'])).get('m1')?.targetId).toBe('elsewhere');
    expect((await store.get(randomUUID(), mappingId, ['m1'])).size).toBe(0);
  });

  it('keeps ids that differ only in case apart (provider ids are case-sensitive), and an unknown hash as empty', async () => {
    await store.put([ref('AAMkCase=='), ref('aamkcase==', { contentHash: '' })]);
    const found = await store.get(projectId, mappingId, ['AAMkCase==', 'aamkcase==']);
    expect(found.get('AAMkCase==')?.contentHash).toBe('ab'.repeat(32));
    expect(found.get('aamkcase==')?.contentHash).toBe('');
    await expect(store.put([ref('bad', { contentHash: 'not-a-hash' })])).rejects.toThrow(
      'SHA-256 hex or empty',
    );
  });

  it('takes the last of two references to one item in one call', async () => {
    await store.put([ref('twice', { targetId: 'first' }), ref('twice', { targetId: 'second' })]);
    expect((await store.get(projectId, mappingId, ['twice'])).get('twice')?.targetId).toBe('second');
  });

  it('removes references of one mapping only', async () => {
    await store.put([ref('gone'), ref('gone', { mappingId: otherMappingId })]);
    await store.remove(projectId, mappingId, ['gone', 'never-there']);
    expect((await store.get(projectId, mappingId, ['gone'])).size).toBe(0);
    expect((await store.get(projectId, otherMappingId, ['gone'])).size).toBe(1);
  });

  describe('with 20,000 references of one mailbox', () => {
    const mailbox = randomUUID();
    let walkMapping: string;
    const ids = Array.from(
      { length: 20_000 },
      (_, i) => `AAMkAGI2${String((i * 7919) % 20_000).padStart(6, '0')}AAA=`,
    );

    beforeAll(async () => {
      const projects = new TypeormProjectRepository(db);
      await projects.replaceMappings(
        ORG,
        projectId,
        [
          ...mappingRows(2),
          { sourceAddress: `${mailbox}@source.example`, targetAddress: 'walk@target.example' },
        ],
        NO_AUDIT,
      );
      walkMapping = (await projects.mappings(ORG, projectId)).find((m) =>
        m.sourceAddress.startsWith(mailbox),
      )!.id;
      // As workers write them: a batch at a time.
      for (let i = 0; i < ids.length; i += 1000)
        await store.put(ids.slice(i, i + 1000).map((id) => ref(id, { mappingId: walkMapping })));
    });

    /** Counts the statements sent while `work` runs. */
    async function countQueries<T>(work: () => Promise<T>): Promise<{ result: T; queries: number }> {
      let queries = 0;
      const create = db.createQueryRunner.bind(db);
      const spy = jest.spyOn(db, 'createQueryRunner').mockImplementation((mode) => {
        const runner: QueryRunner = create(mode);
        const query = runner.query.bind(runner);
        runner.query = ((...args: Parameters<QueryRunner['query']>) => {
          queries++;
          return query(...args);
        }) as QueryRunner['query'];
        return runner;
      });
      try {
        return { result: await work(), queries };
      } finally {
        spy.mockRestore();
      }
    }

    it('walks them in source-id order, one indexed query per page', async () => {
      const started = Date.now();
      const { result: walked, queries } = await countQueries(async () => {
        const seen: string[] = [];
        for (let after = ''; ;) {
          const page = await store.page(projectId, walkMapping, after, 500);
          seen.push(...page.map((r) => r.sourceId));
          if (page.length < 500) return seen;
          after = page.at(-1)!.sourceId;
        }
      });
      const elapsed = Date.now() - started;
      expect(walked).toEqual([...ids].sort());
      expect(queries).toBe(41);
      // The plan reads the primary key in order: no sort, no scan of the table.
      const plan = await db.query<{ 'QUERY PLAN': string }[]>(
        'EXPLAIN SELECT * FROM migration.item_refs WHERE project_id = $1 AND mapping_id = $2 AND source_id > $3 ORDER BY source_id LIMIT 500',
        [projectId, walkMapping, ids[0]],
      );
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan using pk_item_refs/);
      expect(text).not.toMatch(/Seq Scan|Sort/);
      // Generous for a loaded CI machine; an N+1 walk (20,000 queries) takes far longer.
      expect(elapsed).toBeLessThan(15_000);
    });

    it('reads 5,000 of them in one call, in statements that stay under SQL Server’s parameter limit', async () => {
      const wanted = ids.slice(0, 5000);
      const { result, queries } = await countQueries(() => store.get(projectId, walkMapping, wanted));
      expect(result.size).toBe(5000);
      expect(queries).toBe(5);
      const { queries: removals } = await countQueries(() => store.remove(projectId, walkMapping, wanted));
      expect(removals).toBe(5);
      expect((await store.get(projectId, walkMapping, wanted)).size).toBe(0);
    });
  });
});
