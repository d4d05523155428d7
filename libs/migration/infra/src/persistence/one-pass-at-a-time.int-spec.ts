import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { mappingRows, NO_AUDIT, openMigrationDatabase, testPass, testProject } from './migration-database.fixture';
import { TypeormProjectRepository } from './typeorm-project.repository';

jest.setTimeout(60_000);

describe('migration persistence: one unfinished pass per project', () => {
  let database: TestDatabase;
  let db: DataSource;
  let projects: TypeormProjectRepository;
  const ORG = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase('onepass');
    db = await openMigrationDatabase(database.url);
    projects = new TypeormProjectRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('lets only one of two passes started at once in, and another once the first has ended', async () => {
    const project = testProject(ORG);
    await projects.insert(project, NO_AUDIT);
    await projects.replaceMappings(ORG, project.id, mappingRows(2), NO_AUDIT);
    const ids = (await projects.mappings(ORG, project.id)).map((m) => m.id);
    const [a, b] = [testPass(project), testPass(project, { status: 'scheduled' })];
    const results = await Promise.all([projects.insertPass(a, ids, NO_AUDIT), projects.insertPass(b, ids, NO_AUDIT)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await projects.passes(ORG, project.id)).toHaveLength(1);
    const [started] = await projects.passes(ORG, project.id);
    await projects.setPassStatus(ORG, started?.id ?? '', ['running', 'scheduled'], 'cancelled', NO_AUDIT);
    expect(await projects.insertPass(testPass(project), ids, NO_AUDIT)).toBe(true);
  });
});
