import type { BatchResult, ItemFailure, ItemReference, MappingWork, PlanResult, ReferenceStore, RunStore } from '@ferry/migration/application';

interface RunState {
  plan: PlanResult | null;
  batches: Map<string, BatchResult>;
  done: boolean;
  failures: ItemFailure[];
}

/** RunStore and ReferenceStore in memory, with the same once-only and completion rules as SQL. */
export class MemoryRunStore implements RunStore, ReferenceStore {
  readonly works = new Map<string, MappingWork>();
  readonly runs = new Map<string, RunState>();
  readonly references = new Map<string, ItemReference>();
  readonly folders = new Map<string, Map<string, string>>();
  readonly cursors = new Map<string, string | null>();
  passFinished = false;

  addWork(work: MappingWork): void {
    this.works.set(`${work.passId}/${work.mappingId}`, work);
  }

  setStatus(passId: string, status: MappingWork['passStatus']): void {
    for (const [key, work] of this.works) if (work.passId === passId) this.works.set(key, { ...work, passStatus: status });
  }

  run(passId: string, mappingId: string): RunState {
    const key = `${passId}/${mappingId}`;
    let run = this.runs.get(key);
    if (!run) {
      run = { plan: null, batches: new Map(), done: false, failures: [] };
      this.runs.set(key, run);
    }
    return run;
  }

  /** found / migrated / skipped / failed for one mapping of a pass. */
  counts(passId: string, mappingId: string): { found: number; migrated: number; skipped: number; failed: number; bytes: number } {
    const run = this.run(passId, mappingId);
    const batches = [...run.batches.values()];
    return {
      found: run.plan?.found ?? 0,
      migrated: batches.reduce((s, b) => s + b.migrated, 0),
      skipped: (run.plan?.skipped ?? 0) + batches.reduce((s, b) => s + b.skipped, 0),
      failed: batches.reduce((s, b) => s + b.failed, 0),
      bytes: batches.reduce((s, b) => s + b.bytes, 0),
    };
  }

  mappingWork(orgId: string, passId: string, mappingId: string): Promise<MappingWork | null> {
    const work = this.works.get(`${passId}/${mappingId}`);
    if (!work || work.orgId !== orgId) return Promise.resolve(null);
    return Promise.resolve({ ...work, cursor: this.cursors.get(mappingId) ?? work.cursor });
  }

  recordPlan(plan: PlanResult): Promise<boolean> {
    const run = this.run(plan.passId, plan.mappingId);
    if (run.plan) return Promise.resolve(false);
    run.plan = plan;
    this.finishIfDone(plan.passId, plan.mappingId);
    return Promise.resolve(true);
  }

  recordBatch(result: BatchResult): Promise<boolean> {
    const run = this.run(result.passId, result.mappingId);
    if (run.batches.has(result.batchId)) return Promise.resolve(false);
    run.batches.set(result.batchId, result);
    run.failures.push(...result.failures);
    this.finishIfDone(result.passId, result.mappingId);
    return Promise.resolve(true);
  }

  private finishIfDone(passId: string, mappingId: string): void {
    const run = this.run(passId, mappingId);
    if (run.done || !run.plan || run.batches.size < run.plan.batches) return;
    run.done = true;
    this.cursors.set(mappingId, run.plan.nextCursor);
    const all = [...this.works.values()].filter((w) => w.passId === passId);
    if (all.every((w) => this.run(passId, w.mappingId).done)) this.passFinished = true;
  }

  failedBefore(passId: string, mappingId: string, sourceIds: readonly string[]): Promise<Set<string>> {
    const earlier = [...this.runs].filter(([key]) => key.endsWith(`/${mappingId}`) && !key.startsWith(`${passId}/`));
    const failed = new Set(earlier.flatMap(([, run]) => run.failures.map((f) => f.sourceId)));
    return Promise.resolve(new Set(sourceIds.filter((id) => failed.has(id))));
  }

  failMapping(passId: string, mappingId: string): Promise<void> {
    this.run(passId, mappingId).done = true;
    return Promise.resolve();
  }

  targetFolders(mappingId: string): Promise<Map<string, string>> {
    return Promise.resolve(new Map(this.folders.get(mappingId) ?? []));
  }

  saveTargetFolders(mappingId: string, folders: ReadonlyMap<string, string>): Promise<void> {
    this.folders.set(mappingId, new Map([...(this.folders.get(mappingId) ?? []), ...folders]));
    return Promise.resolve();
  }

  // --- references ---
  get(projectId: string, mappingId: string, sourceIds: readonly string[]): Promise<Map<string, ItemReference>> {
    const found = new Map<string, ItemReference>();
    for (const id of sourceIds) {
      const ref = this.references.get(`${projectId}/${mappingId}/${id}`);
      if (ref) found.set(id, ref);
    }
    return Promise.resolve(found);
  }

  put(references: readonly ItemReference[]): Promise<void> {
    for (const ref of references) this.references.set(`${ref.projectId}/${ref.mappingId}/${ref.sourceId}`, ref);
    return Promise.resolve();
  }

  remove(projectId: string, mappingId: string, sourceIds: readonly string[]): Promise<void> {
    for (const id of sourceIds) this.references.delete(`${projectId}/${mappingId}/${id}`);
    return Promise.resolve();
  }

  page(projectId: string, mappingId: string, afterSourceId: string, limit: number): Promise<ItemReference[]> {
    const refs = [...this.references.values()]
      .filter((r) => r.projectId === projectId && r.mappingId === mappingId && r.sourceId > afterSourceId)
      .sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
    return Promise.resolve(refs.slice(0, limit));
  }
}
