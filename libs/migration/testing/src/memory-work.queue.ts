import type { WorkQueue } from '@ferry/migration/application';

/** A queued plan item, as the JetStream queue would hold it. */
export interface QueuedPlan {
  readonly orgId: string;
  readonly projectId: string;
  readonly passId: string;
  readonly mappingId: string;
}

/**
 * WorkQueue in memory: records what was opened, planned (deduplicated by pass and mapping, like the
 * stream's message ids) and purged. `failPlanAfter` makes the n+1-th plan fail like a queue that went away.
 */
export class MemoryWorkQueue implements WorkQueue {
  readonly opened: { orgId: string; projectId: string }[] = [];
  readonly planned: QueuedPlan[] = [];
  readonly purged: { orgId: string; projectId: string }[] = [];
  failPlanAfter: number | null = null;
  failOpen = false;
  private readonly seen = new Set<string>();

  async open(orgId: string, projectId: string): Promise<void> {
    if (this.failOpen) throw new Error('work queue unavailable');
    this.opened.push({ orgId, projectId });
  }

  async plan(orgId: string, projectId: string, passId: string, mappingId: string): Promise<void> {
    if (this.failPlanAfter !== null && this.planned.length >= this.failPlanAfter)
      throw new Error('work queue unavailable');
    const key = `${passId}/${mappingId}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.planned.push({ orgId, projectId, passId, mappingId });
  }

  async purge(orgId: string, projectId: string): Promise<void> {
    this.purged.push({ orgId, projectId });
    for (let i = this.planned.length - 1; i >= 0; i--) {
      const item = this.planned[i];
      if (item?.orgId === orgId && item.projectId === projectId) this.planned.splice(i, 1);
    }
  }

  /** Plan items still queued for one pass. */
  queuedFor(passId: string): QueuedPlan[] {
    return this.planned.filter((p) => p.passId === passId);
  }
}
