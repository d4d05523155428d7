import { randomUUID } from 'node:crypto';
import { CopyBatchUseCase, type MailAdapters, type MailSource, type MailTarget, PlanMailboxUseCase, type WorkLimits } from '@ferry/migration/application';
import { MemoryMailSystem } from '@ferry/migration/testing';
import { MessagingClient } from '@ferry/platform/messaging';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { mappingRows, NO_AUDIT, openMigrationDatabase, testPass, testProject } from '../persistence/migration-database.fixture';
import { TypeormProjectRepository } from '../persistence/typeorm-project.repository';
import { TypeormReferenceStore } from '../persistence/typeorm-reference.store';
import { TypeormRunStore } from '../persistence/typeorm-run.store';
import { JetStreamWorkQueue, type WorkQueueLimits } from '../queue/jetstream-work.queue';
import { ActiveProjects } from '../worker/active-projects';
import { MigrationWorker, type MigrationWorkerOptions } from '../worker/migration-worker';

export async function eventually(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A worker replica of the harness, with its own NATS connection. */
export interface HarnessWorker {
  readonly worker: MigrationWorker;
  readonly client: MessagingClient;
}

/**
 * For integration specs: migration workers over real JetStream and PostgreSQL (a namespace and a
 * database of their own), with in-memory mail systems as source and target. Call `setup` in
 * beforeAll and `teardown` in afterAll.
 */
export class WorkerEngineHarness {
  readonly orgId = randomUUID();
  readonly ns;
  readonly source = new MemoryMailSystem();
  readonly target = new MemoryMailSystem();
  /** Passes the workers reported ended (the service audits them). */
  readonly ended: string[] = [];
  db!: DataSource;
  projects!: TypeormProjectRepository;
  private database: TestDatabase | undefined;
  private readonly clients: MessagingClient[] = [];
  private readonly workers: MigrationWorker[] = [];

  constructor(
    private readonly name: string,
    readonly queue: WorkQueueLimits,
    private readonly limits: WorkLimits,
  ) {
    this.ns = natsTestNamespace(name);
  }

  async setup(): Promise<void> {
    this.database = await createTestDatabase(this.name);
    this.db = await openMigrationDatabase(this.database.url);
    this.projects = new TypeormProjectRepository(this.db);
  }

  async teardown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    await Promise.all(this.clients.map((c) => c.close()));
    await this.db?.destroy();
    await this.database?.drop();
    await this.ns.cleanup();
  }

  messaging(service: string, drainTimeoutMs = 5000): MessagingClient {
    const c = new MessagingClient({ servers: [TEST_NATS_URL], service, region: 'test', prefix: this.ns.prefix, maxConnectBackoffMs: 500, drainTimeoutMs });
    this.clients.push(c);
    return c;
  }

  /**
   * Starts a worker replica; `source` and `target` replace the shared memory systems for this replica
   * only; `scheduling` overrides its slots (default 4) and per-mailbox cap.
   */
  async startWorker(options: { source?: MailSource; target?: MailTarget; drainTimeoutMs?: number; scheduling?: Pick<MigrationWorkerOptions, 'concurrency' | 'mailboxBatches'> } = {}): Promise<HarnessWorker> {
    const client = this.messaging('migration', options.drainTimeoutMs);
    const runs = new TypeormRunStore(this.db, (a) => `p-${a.length}`, undefined, (pass) => {
      this.ended.push(pass.passId);
      return Promise.resolve();
    });
    const refs = new TypeormReferenceStore(this.db);
    const queue = new JetStreamWorkQueue(client, this.queue);
    const active = new ActiveProjects(this.db, 200);
    const target = options.target ?? this.target;
    const source = options.source ?? this.source;
    const adapters: MailAdapters = { source: () => source, target: () => target };
    const worker = new MigrationWorker(client, new PlanMailboxUseCase(runs, refs, adapters, queue, this.limits), new CopyBatchUseCase(runs, refs, adapters, this.limits), {
      concurrency: 4,
      queue: this.queue,
      projectActive: (id) => active.has(id),
      deferMs: 200,
      retryDelaysMs: [100, 200, 400],
      stopGraceMs: 2000,
      ...options.scheduling,
    });
    await worker.start();
    this.workers.push(worker);
    return { worker, client };
  }

  /**
   * Kills a replica as SIGKILL would, as far as the queue can tell: no ack, no nak, its connection
   * gone (after the drain timeout it was started with), its stuck handlers left behind.
   */
  async kill(replica: HarnessWorker): Promise<void> {
    this.workers.splice(this.workers.indexOf(replica.worker), 1);
    void replica.worker.stop();
    await replica.client.close();
  }

  /** A project with `users` mappings, each with `messages` source messages, and a started pass. */
  async startPass(users: number, messages: number, kind: 'full' | 'delta' = 'full', projectId?: string) {
    let project = projectId ? await this.projects.get(this.orgId, projectId) : null;
    if (!project) {
      project = testProject(this.orgId);
      await this.projects.insert(project, NO_AUDIT);
      const rows = mappingRows(users, project.id.slice(0, 8));
      await this.projects.replaceMappings(this.orgId, project.id, rows, NO_AUDIT);
      for (const row of rows) for (let i = 0; i < messages; i++) this.source.add(row.sourceAddress, { folderIds: ['inbox'] });
    }
    const mappings = await this.projects.mappings(this.orgId, project.id);
    const pass = testPass(project, { kind });
    await this.projects.insertPass(pass, mappings.map((m) => m.id), NO_AUDIT);
    const queue = new JetStreamWorkQueue(this.messaging('planner'), this.queue);
    await queue.open(this.orgId, project.id);
    for (const m of mappings) await queue.plan(this.orgId, project.id, pass.id, m.id);
    return { project, pass, mappings };
  }

  async finished(passId: string): Promise<boolean> {
    return (await this.projects.pass(this.orgId, passId))?.status === 'completed';
  }
}
