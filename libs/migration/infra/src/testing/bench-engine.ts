import { randomUUID } from 'node:crypto';
import type { DeletionPolicy, Mapping, MappingProgress, Pass, PassKind, Project } from '@ferry/migration/application';
import type { MailSystem } from '@ferry/migration/domain';
import { MessagingClient } from '@ferry/platform/messaging';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { NO_AUDIT, openMigrationDatabase, testPass, testProject } from '../persistence/migration-database.fixture';
import { TypeormProjectRepository } from '../persistence/typeorm-project.repository';
import { JetStreamWorkQueue, type WorkQueueLimits } from '../queue/jetstream-work.queue';

/** Counts of a pass summed over its mailboxes. */
export interface PassTotals {
  readonly mailboxes: number;
  readonly done: number;
  readonly failedMailboxes: number;
  readonly found: number;
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly bytesFound: number;
  readonly bytesDone: number;
}

/** How a pass ended, timed from its start to the commit that finished it (the pass row's finishedAt). */
export interface PassOutcome {
  readonly status: Pass['status'];
  readonly wallMs: number;
  readonly totals: PassTotals;
}

export interface BenchProjectSpec {
  readonly source: MailSystem;
  readonly target: MailSystem;
  readonly pairs: readonly { readonly sourceAddress: string; readonly targetAddress: string }[];
  readonly deletionPolicy?: DeletionPolicy;
}

/** What the benchmark driver does to the engine: projects, mappings, passes, waiting and counting. */
export interface BenchEngine {
  /** The NATS installation prefix and database the workers must be given. */
  readonly natsPrefix: string;
  readonly databaseUrl: string;
  readonly orgId: string;
  readonly db: DataSource;
  readonly projects: TypeormProjectRepository;
  createProject(spec: BenchProjectSpec): Promise<{ project: Project; mappings: Mapping[] }>;
  /**
   * Inserts a running pass over the project's mappings (or the ones given) and plans each mailbox on
   * the queue; returns at once. Passes of one project share its lane of the queue.
   */
  startPass(project: Project, kind: PassKind, mappingIds?: readonly string[]): Promise<{ pass: Pass; startedAt: number }>;
  /**
   * Polls the pass row (every `pollMs`, default 100) until it is no longer running; the outcome is
   * timed by the row, not by the polls. Throws when the time is up, or when nothing moved (counts and
   * status) for `stallMs` (default 3 minutes).
   */
  waitForPass(
    pass: { pass: Pass; startedAt: number },
    options?: { timeoutMs?: number; stallMs?: number; pollMs?: number; onTick?: (totals: PassTotals) => void },
  ): Promise<PassOutcome>;
  totals(passId: string): Promise<PassTotals>;
  close(): Promise<void>;
}

export function sumProgress(rows: readonly MappingProgress[]): PassTotals {
  const sum = (f: (r: MappingProgress) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    mailboxes: rows.length,
    done: rows.filter((r) => r.status === 'done').length,
    failedMailboxes: rows.filter((r) => r.status === 'failed').length,
    found: sum((r) => r.found),
    migrated: sum((r) => r.migrated),
    skipped: sum((r) => r.skipped),
    failed: sum((r) => r.failed),
    bytesFound: sum((r) => r.bytesFound),
    bytesDone: sum((r) => r.bytesDone),
  };
}

/**
 * A fresh PostgreSQL database (migrated) and NATS prefix for one benchmark run, with the control
 * plane's side of the engine (what the planner role does after a pass is started). Workers run
 * separately (startBenchWorker, in this process or in children) against `natsPrefix`/`databaseUrl`.
 */
export async function openBenchEngine(label: string, queueLimits: WorkQueueLimits): Promise<BenchEngine> {
  const ns = natsTestNamespace(label);
  let database: TestDatabase | undefined;
  let db: DataSource | undefined;
  const messaging = new MessagingClient({ servers: [TEST_NATS_URL], service: 'migration', region: 'bench', prefix: ns.prefix, maxConnectBackoffMs: 500, drainTimeoutMs: 5000 });
  try {
    database = await createTestDatabase(label);
    db = await openMigrationDatabase(database.url, 4);
  } catch (err) {
    await database?.drop();
    throw err;
  }
  const opened = db;
  const dropDatabase = database;
  const orgId = randomUUID();
  const projects = new TypeormProjectRepository(opened);
  const queue = new JetStreamWorkQueue(messaging, queueLimits);

  const totals = async (passId: string) => sumProgress(await projects.progress(orgId, passId));

  return {
    natsPrefix: ns.prefix,
    databaseUrl: dropDatabase.url,
    orgId,
    db: opened,
    projects,
    async createProject(spec) {
      const project = testProject(orgId, { name: 'bench', source: spec.source, target: spec.target, deletionPolicy: spec.deletionPolicy ?? 'keep' });
      await projects.insert(project, NO_AUDIT);
      await projects.replaceMappings(orgId, project.id, spec.pairs, NO_AUDIT);
      return { project, mappings: await projects.mappings(orgId, project.id) };
    },
    async startPass(project, kind, mappingIds) {
      const ids = mappingIds ?? (await projects.mappings(orgId, project.id)).map((m) => m.id);
      const startedAt = Date.now();
      const pass = testPass(project, { kind, startedAt: new Date(startedAt), createdAt: new Date(startedAt) });
      await projects.insertPass(pass, ids, NO_AUDIT);
      await queue.open(orgId, project.id);
      for (const id of ids) await queue.plan(orgId, project.id, pass.id, id);
      return { pass, startedAt };
    },
    async waitForPass(started, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
      const stallMs = options.stallMs ?? 3 * 60_000;
      let lastTick = 0;
      let seen = '';
      let movedAt = Date.now();
      for (;;) {
        const row = await projects.pass(orgId, started.pass.id);
        if (row && row.status !== 'running') {
          const finished = row.finishedAt?.getTime() ?? Date.now();
          return { status: row.status, wallMs: finished - started.startedAt, totals: await totals(started.pass.id) };
        }
        if (Date.now() - lastTick >= 5000) {
          lastTick = Date.now();
          const now = await totals(started.pass.id);
          const state = JSON.stringify(now);
          if (state !== seen) [seen, movedAt] = [state, Date.now()];
          else if (Date.now() - movedAt > stallMs) throw new Error(`the pass stalled: nothing moved for ${stallMs} ms (${state})`);
          options.onTick?.(now);
        }
        if (Date.now() > deadline) throw new Error(`the pass did not finish in time (${JSON.stringify(await totals(started.pass.id))})`);
        await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
      }
    },
    totals,
    async close() {
      await messaging.close();
      await opened.destroy();
      await dropDatabase.drop();
      await ns.cleanup();
    },
  };
}
