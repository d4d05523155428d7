import { randomUUID } from 'node:crypto';
import { CopyBatchUseCase, type MailAdapters, PlanMailboxUseCase } from '@ferry/migration/application';
import { MemoryMailSystem } from '@ferry/migration/testing';
import { MessagingClient } from '@ferry/platform/messaging';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { mappingRows, NO_AUDIT, openMigrationDatabase, testPass, testProject } from '../persistence/migration-database.fixture';
import { TypeormProjectRepository } from '../persistence/typeorm-project.repository';
import { TypeormReferenceStore } from '../persistence/typeorm-reference.store';
import { TypeormRunStore } from '../persistence/typeorm-run.store';
import { JetStreamWorkQueue } from '../queue/jetstream-work.queue';
import { ActiveProjects } from './active-projects';
import { MigrationWorker } from './migration-worker';

jest.setTimeout(120_000);

const ORG = randomUUID();
const LIMITS = { batchItems: 5, batchBytes: 1 << 20, itemConcurrency: 2 };
const QUEUE = { maxDeliveries: 4, ackWaitMs: 5000, maxAckPending: 64 };

async function eventually(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('migration engine over JetStream and PostgreSQL', () => {
  const ns = natsTestNamespace('engine');
  let database: TestDatabase;
  let db: DataSource;
  const clients: MessagingClient[] = [];
  const workers: MigrationWorker[] = [];
  let projects: TypeormProjectRepository;
  const source = new MemoryMailSystem();
  const target = new MemoryMailSystem();
  const adapters: MailAdapters = { source: () => source, target: () => target };
  /** Passes the workers reported ended (the service audits them). */
  const ended: string[] = [];

  const messaging = (service: string) => {
    const c = new MessagingClient({ servers: [TEST_NATS_URL], service, region: 'test', prefix: ns.prefix, maxConnectBackoffMs: 500, drainTimeoutMs: 5000 });
    clients.push(c);
    return c;
  };

  async function startWorker(): Promise<MigrationWorker> {
    const client = messaging('migration');
    const runs = new TypeormRunStore(db, (a) => `p-${a.length}`, undefined, (pass) => {
      ended.push(pass.passId);
      return Promise.resolve();
    });
    const refs = new TypeormReferenceStore(db);
    const queue = new JetStreamWorkQueue(client, QUEUE);
    const active = new ActiveProjects(db, 200);
    const worker = new MigrationWorker(client, new PlanMailboxUseCase(runs, refs, adapters, queue, LIMITS), new CopyBatchUseCase(runs, refs, adapters, LIMITS), {
      concurrency: 4,
      queue: QUEUE,
      projectActive: (id) => active.has(id),
      deferMs: 200,
      retryDelaysMs: [100, 200, 400],
      stopGraceMs: 2000,
    });
    await worker.start();
    workers.push(worker);
    return worker;
  }

  beforeAll(async () => {
    database = await createTestDatabase('engine');
    db = await openMigrationDatabase(database.url);
    projects = new TypeormProjectRepository(db);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(clients.map((c) => c.close()));
    await db?.destroy();
    await database?.drop();
    await ns.cleanup();
  });

  /** A project with `users` mappings, each with `messages` source messages, and a started pass. */
  async function startPass(users: number, messages: number, kind: 'full' | 'delta' = 'full', projectId?: string) {
    let project = projectId ? await projects.get(ORG, projectId) : null;
    if (!project) {
      project = testProject(ORG);
      await projects.insert(project, NO_AUDIT);
      const rows = mappingRows(users, project.id.slice(0, 8));
      await projects.replaceMappings(ORG, project.id, rows, NO_AUDIT);
      for (const row of rows) for (let i = 0; i < messages; i++) source.add(row.sourceAddress, { folderIds: ['inbox'] });
    }
    const mappings = await projects.mappings(ORG, project.id);
    const pass = testPass(project, { kind });
    await projects.insertPass(pass, mappings.map((m) => m.id), NO_AUDIT);
    const queue = new JetStreamWorkQueue(messaging('planner'), QUEUE);
    await queue.open(ORG, project.id);
    for (const m of mappings) await queue.plan(ORG, project.id, pass.id, m.id);
    return { project, pass, mappings };
  }

  const finished = async (passId: string) => (await projects.pass(ORG, passId))?.status === 'completed';

  it('carries every mailbox of a pass through the queue, once, with counts that add up, across two workers', async () => {
    await startWorker();
    await startWorker();
    const { pass, mappings } = await startPass(3, 12);
    await eventually(() => finished(pass.id));
    for (const m of mappings) expect(target.messages(m.targetAddress)).toHaveLength(12);
    const progress = await projects.progress(ORG, pass.id);
    for (const row of progress) {
      expect(row).toMatchObject({ status: 'done', found: 12, migrated: 12, failed: 0 });
      expect(row.found).toBe(row.migrated + row.skipped + row.failed);
    }
    // The pass's end is reported once, by whichever worker recorded its last batch.
    expect(ended.filter((id) => id === pass.id)).toHaveLength(1);
  });

  it('leaves one copy per item when uploads land but their workers fail before recording them', async () => {
    for (let i = 0; i < 3; i++) target.failNext('write', { after: true });
    const { pass, mappings } = await startPass(1, 9);
    await eventually(() => finished(pass.id));
    const [mapping] = mappings;
    expect(target.messages(mapping?.targetAddress ?? '')).toHaveLength(9);
    expect((await projects.progress(ORG, pass.id))[0]).toMatchObject({ found: 9, migrated: 9, failed: 0 });
  });

  it('holds a paused pass in the queue and carries it on after resume; a delta pass copies only what changed', async () => {
    const { project, pass, mappings } = await startPass(1, 6);
    await eventually(() => finished(pass.id));
    const mapping = mappings[0];
    if (!mapping) throw new Error('no mapping');
    source.add(mapping.sourceAddress, { folderIds: ['inbox'] });
    source.add(mapping.sourceAddress, { folderIds: ['inbox'] });
    const writes = target.calls.write;
    const delta = await startPass(1, 0, 'delta', project.id);
    await projects.setPassStatus(ORG, delta.pass.id, ['running'], 'paused', NO_AUDIT);
    await new Promise((r) => setTimeout(r, 1500));
    expect(target.calls.write).toBe(writes);
    await projects.setPassStatus(ORG, delta.pass.id, ['paused'], 'running', NO_AUDIT);
    await eventually(() => finished(delta.pass.id));
    expect(target.calls.write - writes).toBe(2);
    expect(target.messages(mapping.targetAddress)).toHaveLength(8);
    expect((await projects.progress(ORG, delta.pass.id))[0]).toMatchObject({ found: 2, migrated: 2, failed: 0 });
  });
});
