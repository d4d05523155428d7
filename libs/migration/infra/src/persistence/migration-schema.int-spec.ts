import { randomUUID } from 'node:crypto';
import { createTestDatabase, dumpSchema, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { NO_AUDIT, openMigrationDatabase, testPass, testProject } from './migration-database.fixture';
import { MIGRATION_MIGRATIONS, MIGRATION_SCHEMA } from './migration-schema';
import { TypeormProjectRepository } from './typeorm-project.repository';
import { TypeormReferenceStore } from './typeorm-reference.store';
import { TypeormRunStore } from './typeorm-run.store';

jest.setTimeout(60_000);

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  is_nullable: 'YES' | 'NO';
}

/**
 * Every column that can hold more than a hash's 64 characters, with why: what a careless change could
 * park content in. A new one fails this list until someone says why it is there.
 */
const WIDE_TEXT_COLUMNS = [
  'batch_results.batch_id', // Ferry's `<pass>:<mapping>:<step>:<index>`
  'item_failures.batch_id',
  'item_failures.source_id', // provider ids
  'item_failures.detail', // Ferry-written, capped
  'item_refs.source_id',
  'item_refs.target_id',
  'item_refs.folder_id',
  'item_refs.change_stamp',
  'mailbox_runs.failure_detail', // Ferry-written, capped
  'mailbox_runs.pending_cursor', // the source's change-feed cursor
  'mappings.feed_cursor',
  'mappings.source_address', // needed to reach the mailbox
  'mappings.target_address',
  'projects.name', // the operator's name for the project
  'projects.workloads', // comma-separated workload names
  'target_folders.target_folder_id', // provider id
];

describe('migration persistence: the schema holds no content', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('migration_schema');
    db = await openMigrationDatabase(database.url);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const columns = (): Promise<ColumnRow[]> =>
    db.query(
      'SELECT table_name, column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position',
      [MIGRATION_SCHEMA],
    );

  it('gives a reference ids, a stamp, a hash and a date, and nothing else', async () => {
    const refs = (await columns())
      .filter((c) => c.table_name === 'item_refs')
      .map((c) => [c.column_name, c.data_type, c.character_maximum_length, c.is_nullable]);
    expect(refs).toEqual([
      ['project_id', 'character varying', 36, 'NO'],
      ['mapping_id', 'character varying', 36, 'NO'],
      ['source_id', 'character varying', 400, 'NO'],
      ['target_id', 'character varying', 400, 'NO'],
      ['folder_id', 'character varying', 400, 'NO'],
      ['change_stamp', 'character varying', 200, 'NO'],
      ['content_hash', 'character', 64, 'YES'],
      ['received_at', 'timestamp with time zone', null, 'NO'],
    ]);
    const folders = (await columns())
      .filter((c) => c.table_name === 'target_folders')
      .map((c) => c.column_name);
    expect(folders).toEqual(['mapping_id', 'path_key', 'target_folder_id']);
  });

  it('has wide text columns only where the allow-list says why', async () => {
    const all = await columns();
    const wide = all
      .filter((c) => c.data_type === 'text' || (c.character_maximum_length ?? 0) > 64)
      .map((c) => `${c.table_name}.${c.column_name}`);
    expect(wide.sort()).toEqual([...WIDE_TEXT_COLUMNS].sort());
    const contentLike = all.filter((c) =>
      /subject|body|mime|snippet|preview|attachment|sender|recipient|folder_name|label_name|^content$/.test(
        c.column_name,
      ),
    );
    expect(contentLike).toEqual([]);
    // No binary or JSON column where a message could be parked either.
    expect(all.filter((c) => ['bytea', 'json', 'jsonb', 'xml'].includes(c.data_type))).toEqual([]);
  });

  it('keeps the mailbox addresses in mappings alone, after a pass with copies, failures and target folders', async () => {
    const orgId = randomUUID();
    const projects = new TypeormProjectRepository(db);
    const runs = new TypeormRunStore(db, () => 'u_pseudonym');
    const refs = new TypeormReferenceStore(db);
    const project = testProject(orgId);
    await projects.insert(project, NO_AUDIT);
    const source = 'zoë.private@source.example';
    const target = 'zoe.private@target.example';
    await projects.replaceMappings(
      orgId,
      project.id,
      [{ sourceAddress: source, targetAddress: target }],
      NO_AUDIT,
    );
    const [mapping] = await projects.mappings(orgId, project.id);
    const pass = testPass(project);
    await projects.insertPass(pass, [mapping!.id], NO_AUDIT);
    const work = await runs.mappingWork(orgId, pass.id, mapping!.id);
    expect(work?.source.address).toBe(source);
    await runs.recordPlan({
      passId: pass.id,
      mappingId: mapping!.id,
      batches: 1,
      found: 2,
      bytesFound: 2048,
      skipped: 0,
      nextCursor: 'history:981',
    });
    await refs.put([
      {
        projectId: project.id,
        mappingId: mapping!.id,
        sourceId: '18c2f',
        targetId: 'AAMkT',
        folderId: 'INBOX',
        changeStamp: '981',
        contentHash: 'e3'.repeat(32),
        receivedAt: Date.now(),
      },
    ]);
    await runs.saveTargetFolders(mapping!.id, new Map([['f0'.repeat(32), 'AAMkFolder']]));
    await runs.recordBatch({
      passId: pass.id,
      mappingId: mapping!.id,
      batchId: 'b0',
      migrated: 1,
      skipped: 0,
      failed: 1,
      bytes: 1024,
      failures: [{ sourceId: '18c30', reason: 'corrupt', detail: 'MIME could not be parsed' }],
    });
    expect((await projects.pass(orgId, pass.id))?.status).toBe('completed');

    const dump = await dumpSchema(db, MIGRATION_SCHEMA);
    expect([...dump.keys()].sort()).toEqual([
      'batch_results',
      'item_failures',
      'item_refs',
      'mailbox_runs',
      'mappings',
      'migrations',
      'passes',
      'projects',
      'target_folders',
    ]);
    for (const [table, rows] of dump) {
      const text = JSON.stringify(rows).toLowerCase();
      const holdsAddress = ['zoë.private', 'zoe.private', 'source.example', 'target.example'].some((needle) =>
        text.includes(needle),
      );
      expect({ table, holdsAddress }).toEqual({ table, holdsAddress: table === 'mappings' });
    }
  });

  it('migrates down to an empty schema', async () => {
    const scratch = await createTestDatabase('migration_schema_down');
    const other = await openMigrationDatabase(scratch.url);
    try {
      for (let i = 0; i < MIGRATION_MIGRATIONS.length; i++) await other.undoLastMigration({ transaction: 'each' });
      const tables: { table_name: string }[] = await other.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
        [MIGRATION_SCHEMA],
      );
      expect(tables.map((t) => t.table_name)).toEqual(['migrations']);
    } finally {
      await other.destroy();
      await scratch.drop();
    }
  });
});
