import { randomUUID } from 'node:crypto';
import type {
  BeforeCommit,
  FailureRow,
  Mapping,
  MappingProgress,
  Pass,
  PassStatus,
  Project,
  ProjectRepository,
} from '@ferry/migration/application';

const ENDED: readonly PassStatus[] = ['cancelled', 'completed', 'failed'];

/** A snapshot of everything, restored when a change's before-commit step throws. */
interface Tables {
  projects: Map<string, Project>;
  mappings: Map<string, Mapping>;
  passes: Map<string, Pass>;
  progress: Map<string, MappingProgress & { passId: string }>;
  failures: (FailureRow & { passId: string })[];
}

/**
 * ProjectRepository in memory with the SQL repository's contract: every method scoped by organisation,
 * each change one transaction whose before-commit step (the audit record) runs last and rolls the whole
 * change back when it throws. For tests it also plays the workers' part: `recordProgress`,
 * `addFailure` and `finishPass` move a pass on as the run store would.
 */
export class MemoryProjectRepository implements ProjectRepository {
  private tables: Tables = {
    projects: new Map(),
    mappings: new Map(),
    passes: new Map(),
    progress: new Map(),
    failures: [],
  };
  private queue: Promise<unknown> = Promise.resolve();
  /** Every change attempted, committed or rolled back, in order. */
  readonly changes: string[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Runs a change alone (like a serialisable transaction), rolling back when it throws. */
  private transaction<T>(name: string, change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.changes.push(name);
      const before = this.snapshot();
      try {
        return await change();
      } catch (err) {
        this.tables = before;
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private snapshot(): Tables {
    const t = this.tables;
    return {
      projects: new Map(t.projects),
      mappings: new Map(t.mappings),
      passes: new Map(t.passes),
      progress: new Map(t.progress),
      failures: [...t.failures],
    };
  }

  insert(project: Project, beforeCommit: BeforeCommit): Promise<void> {
    return this.transaction('insert', async () => {
      if (this.tables.projects.has(project.id))
        throw new Error('duplicate key value violates unique constraint');
      this.tables.projects.set(project.id, project);
      await beforeCommit();
    });
  }

  async get(orgId: string, id: string): Promise<Project | null> {
    const project = this.tables.projects.get(id);
    return project?.orgId === orgId ? project : null;
  }

  async list(orgId: string): Promise<Project[]> {
    return [...this.tables.projects.values()].filter((p) => p.orgId === orgId);
  }

  delete(orgId: string, id: string, beforeCommit: BeforeCommit): Promise<boolean> {
    return this.transaction('delete', async () => {
      if (!(await this.get(orgId, id))) return false;
      const t = this.tables;
      t.projects.delete(id);
      const passes = [...t.passes.values()].filter((p) => p.projectId === id).map((p) => p.id);
      for (const m of [...t.mappings.values()]) if (m.projectId === id) t.mappings.delete(m.id);
      for (const p of passes) t.passes.delete(p);
      for (const [key, row] of [...t.progress]) if (passes.includes(row.passId)) t.progress.delete(key);
      t.failures = t.failures.filter((f) => !passes.includes(f.passId));
      await beforeCommit();
      return true;
    });
  }

  replaceMappings(
    orgId: string,
    projectId: string,
    rows: readonly { sourceAddress: string; targetAddress: string }[],
    beforeCommit: BeforeCommit,
  ): Promise<boolean> {
    return this.transaction('replaceMappings', async () => {
      if (!(await this.get(orgId, projectId))) return false;
      // As in SQL: a scheduled, running or paused pass holds the mapping (its mailboxes are fixed).
      if (
        [...this.tables.passes.values()].some((p) => p.projectId === projectId && !ENDED.includes(p.status))
      )
        return false;
      const current = new Map((await this.mappings(orgId, projectId)).map((m) => [m.sourceAddress, m]));
      for (const m of current.values()) this.tables.mappings.delete(m.id);
      for (const row of rows) {
        const kept = current.get(row.sourceAddress);
        const mapping: Mapping = kept
          ? { ...kept, targetAddress: row.targetAddress }
          : {
              id: randomUUID(),
              projectId,
              orgId,
              sourceAddress: row.sourceAddress,
              targetAddress: row.targetAddress,
              lastPassFinishedAt: null,
              lastPassId: null,
            };
        this.tables.mappings.set(mapping.id, mapping);
      }
      await beforeCommit();
      return true;
    });
  }

  async mappings(orgId: string, projectId: string): Promise<Mapping[]> {
    return [...this.tables.mappings.values()].filter((m) => m.orgId === orgId && m.projectId === projectId);
  }

  insertPass(pass: Pass, mappingIds: readonly string[], beforeCommit: BeforeCommit): Promise<boolean> {
    return this.transaction('insertPass', async () => {
      if (this.tables.passes.has(pass.id)) throw new Error('duplicate key value violates unique constraint');
      const unfinished = [...this.tables.passes.values()].some((p) => p.projectId === pass.projectId && p.orgId === pass.orgId && ['scheduled', 'running', 'paused'].includes(p.status));
      if (unfinished) return false;
      this.tables.passes.set(pass.id, pass);
      for (const mappingId of mappingIds) {
        this.tables.progress.set(`${pass.id}/${mappingId}`, {
          passId: pass.id,
          mappingId,
          status: 'pending',
          found: 0,
          migrated: 0,
          skipped: 0,
          failed: 0,
          bytesFound: 0,
          bytesDone: 0,
          startedAt: null,
          finishedAt: null,
        });
      }
      await beforeCommit();
      return true;
    });
  }

  async passes(orgId: string, projectId: string): Promise<Pass[]> {
    return [...this.tables.passes.values()].filter((p) => p.orgId === orgId && p.projectId === projectId);
  }

  async pass(orgId: string, passId: string): Promise<Pass | null> {
    const pass = this.tables.passes.get(passId);
    return pass?.orgId === orgId ? pass : null;
  }

  setPassStatus(
    orgId: string,
    passId: string,
    from: readonly PassStatus[],
    to: PassStatus,
    beforeCommit: BeforeCommit,
  ): Promise<boolean> {
    return this.transaction(`setPassStatus:${to}`, async () => {
      const pass = await this.pass(orgId, passId);
      if (!pass || !from.includes(pass.status)) return false;
      const now = this.now();
      this.tables.passes.set(passId, {
        ...pass,
        status: to,
        startedAt: to === 'running' ? (pass.startedAt ?? now) : pass.startedAt,
        finishedAt: ENDED.includes(to) ? now : pass.finishedAt,
      });
      await beforeCommit();
      return true;
    });
  }

  async duePasses(now: Date, limit: number): Promise<Pass[]> {
    return [...this.tables.passes.values()]
      .filter(
        (p) =>
          p.status === 'scheduled' && p.scheduledFor !== null && p.scheduledFor.getTime() <= now.getTime(),
      )
      .sort((a, b) => (a.scheduledFor?.getTime() ?? 0) - (b.scheduledFor?.getTime() ?? 0))
      .slice(0, limit);
  }

  async progress(orgId: string, passId: string): Promise<MappingProgress[]> {
    if (!(await this.pass(orgId, passId))) return [];
    return [...this.tables.progress.values()]
      .filter((p) => p.passId === passId)
      .map(({ passId: _passId, ...row }) => row);
  }

  async failures(orgId: string, passId: string, limit: number, offset: number): Promise<FailureRow[]> {
    if (!(await this.pass(orgId, passId))) return [];
    return this.tables.failures
      .filter((f) => f.passId === passId)
      .slice(offset, offset + limit)
      .map(({ passId: _passId, ...row }) => row);
  }

  /** Test driver: what a worker's records would leave on one mailbox of a pass. */
  recordProgress(
    passId: string,
    mappingId: string,
    patch: Partial<Omit<MappingProgress, 'mappingId'>>,
  ): void {
    const key = `${passId}/${mappingId}`;
    const row = this.tables.progress.get(key);
    if (!row) throw new Error('no such progress row');
    this.tables.progress.set(key, { ...row, ...patch });
  }

  /** Test driver: one failed item of a pass. */
  addFailure(passId: string, failure: FailureRow): void {
    this.tables.failures.push({ ...failure, passId });
  }

  /** Test driver: the pass's last mailbox finished (the run store completes the pass and stamps each mapping's last pass). */
  finishPass(passId: string, status: 'completed' | 'failed' = 'completed'): void {
    const pass = this.tables.passes.get(passId);
    if (!pass) throw new Error('no such pass');
    const now = this.now();
    this.tables.passes.set(passId, { ...pass, status, finishedAt: now });
    for (const row of this.tables.progress.values()) {
      if (row.passId !== passId) continue;
      const mapping = this.tables.mappings.get(row.mappingId);
      if (mapping)
        this.tables.mappings.set(mapping.id, { ...mapping, lastPassFinishedAt: now, lastPassId: passId });
    }
  }
}
