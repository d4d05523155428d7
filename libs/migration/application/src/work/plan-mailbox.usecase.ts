import type { SourceItemSummary } from '@ferry/migration/domain';
import { CursorExpiredError, type MailAdapters, type MailSource } from '../ports/mail.ports';
import type { ItemReference, ReferenceStore } from '../ports/reference.ports';
import type { MappingWork, RunStore } from '../ports/run.ports';
import { batchId, toBatches } from './batching';
import { describeFailure, PassNotRunningError } from './work.errors';
import { type BatchEntry, type Delivery, type PlanStep, type PlanTotals, type WorkAddress, type WorkLimits, type WorkPublisher } from './work.types';

/** References checked per sweep step (mirror policy after an enumeration). */
const SWEEP_PAGE = 500;

/** What one step produced: its batch entries and where planning goes next (null: the mailbox is planned). */
interface StepOutcome {
  readonly entries: BatchEntry[];
  readonly skipped: number;
  readonly next: Omit<PlanStep, 'step' | 'totals' | 'replayed'> | null;
  readonly nextCursor: string;
}

/**
 * Plans one step of one mailbox: reads one page of the source (its enumeration, its change feed, or
 * the references to sweep), compares it with the reference store, publishes copy batches for what is
 * new, changed or gone, then publishes the next step, or records the plan when the mailbox is done.
 *
 * Every step is safe to repeat: batch and step ids are deterministic, so a crash before the ack
 * republishes the same ids, which the queue drops; batches of a replayed step verify the target first.
 */
export class PlanMailboxUseCase {
  constructor(
    private readonly runs: RunStore,
    private readonly refs: ReferenceStore,
    private readonly adapters: MailAdapters,
    private readonly publisher: WorkPublisher,
    private readonly limits: WorkLimits,
  ) {}

  async execute(address: WorkAddress, step: PlanStep, delivery: Delivery): Promise<void> {
    const work = await this.runs.mappingWork(address.orgId, address.passId, address.mappingId);
    if (!work || work.passStatus === 'cancelled' || work.passStatus === 'completed' || work.passStatus === 'failed') return;
    if (work.passStatus !== 'running') throw new PassNotRunningError(work.passStatus);
    try {
      await this.step(address, work, step, delivery);
    } catch (err) {
      if (err instanceof PassNotRunningError || !delivery.last || delivery.signal.aborted) throw err;
      // The source kept failing on this mailbox through every retry: the mailbox fails with a reason
      // (its batches already published still run) and the pass goes on with the others.
      await this.runs.failMapping(address.passId, address.mappingId, 'transient-exhausted', describeFailure(err));
    }
  }

  /**
   * The planning step left the queue without any attempt finishing it (its workers were stopped or
   * killed on every delivery): the mailbox fails with `interrupted` (batches already published still
   * run), so the pass can finish with the others.
   */
  async abandon(address: WorkAddress, deliveries: number): Promise<void> {
    const work = await this.runs.mappingWork(address.orgId, address.passId, address.mappingId);
    if (!work || work.passStatus === 'cancelled' || work.passStatus === 'completed' || work.passStatus === 'failed') return;
    await this.runs.failMapping(address.passId, address.mappingId, 'interrupted', `no planning attempt finished in ${deliveries} deliveries (the worker stopped during each)`);
  }

  private async step(address: WorkAddress, work: MappingWork, step: PlanStep, delivery: Delivery): Promise<void> {
    const source = this.adapters.source(work.source.system);
    const outcome = await this.plan(work, source, step, delivery.signal);
    const replayed = step.replayed || delivery.count > 1;
    const batches = toBatches(outcome.entries, this.limits);
    // A batch holding an item an earlier pass recorded failed verifies the target first: a copy of it
    // may have landed before the failure was recorded. (Batches stay as toBatches cuts them, so a
    // replayed step publishes the same ids with the same items.)
    const copies = outcome.entries.filter((e) => e.action === 'copy').map((e) => e.item.sourceId);
    const failedBefore = replayed || copies.length === 0 ? new Set<string>() : await this.runs.failedBefore(address.passId, address.mappingId, copies);
    for (const [index, entries] of batches.entries()) {
      await this.publisher.batch(address, {
        batchId: batchId(address.passId, address.mappingId, step.step, index),
        entries,
        verifyTarget: replayed || entries.some((e) => e.action === 'copy' && failedBefore.has(e.item.sourceId)),
      });
    }
    const totals: PlanTotals = {
      batches: step.totals.batches + batches.length,
      found: step.totals.found + outcome.entries.length + outcome.skipped,
      bytesFound: step.totals.bytesFound + outcome.entries.reduce((sum, e) => sum + e.item.size, 0),
      skipped: step.totals.skipped + outcome.skipped,
    };
    if (outcome.next) {
      await this.publisher.step(address, { ...outcome.next, step: step.step + 1, totals, replayed: false, nextCursor: outcome.nextCursor });
      return;
    }
    await this.runs.recordPlan({
      passId: address.passId,
      mappingId: address.mappingId,
      batches: totals.batches,
      found: totals.found,
      bytesFound: totals.bytesFound,
      skipped: totals.skipped,
      nextCursor: outcome.nextCursor === '' ? null : outcome.nextCursor,
    });
  }

  private async plan(work: MappingWork, source: MailSource, step: PlanStep, signal: AbortSignal): Promise<StepOutcome> {
    if (step.step === 0) {
      // A delta pass reads the change feed when the mapping finished a pass before; otherwise (or when
      // the feed has expired) it enumerates, and the comparison with references keeps it a delta.
      if (work.passKind === 'delta' && work.cursor) return this.changes(work, source, work.cursor, '', signal);
      const cursor = await source.currentCursor(work.source, signal);
      return this.enumerate(work, source, '', cursor, signal);
    }
    switch (step.phase) {
      case 'enumerate':
        return this.enumerate(work, source, step.pageToken, step.nextCursor, signal);
      case 'changes':
        return this.changes(work, source, work.cursor ?? '', step.pageToken, signal);
      case 'sweep':
        return this.sweep(work, source, step.sweepAfter, step.nextCursor, signal);
    }
  }

  private async enumerate(work: MappingWork, source: MailSource, pageToken: string, cursor: string, signal: AbortSignal): Promise<StepOutcome> {
    const page = await source.enumerate(work.source, pageToken || undefined, signal);
    const refs = await this.refs.get(work.projectId, work.mappingId, page.items.map((i) => i.sourceId));
    const entries: BatchEntry[] = [];
    let skipped = 0;
    for (const item of page.items) {
      const ref = refs.get(item.sourceId);
      if (!ref) entries.push({ action: 'copy', item });
      else if (unchanged(ref, item)) skipped++;
      else entries.push({ action: 'update', item });
    }
    const next = page.next
      ? ({ phase: 'enumerate', pageToken: page.next, nextCursor: cursor, sweepAfter: '' } as const)
      : work.deletionPolicy === 'mirror' && work.cursor !== null
        ? ({ phase: 'sweep', pageToken: '', nextCursor: cursor, sweepAfter: '' } as const)
        : null;
    return { entries, skipped, next, nextCursor: cursor };
  }

  private async changes(work: MappingWork, source: MailSource, cursor: string, pageToken: string, signal: AbortSignal): Promise<StepOutcome> {
    let page;
    try {
      page = await source.changes(work.source, cursor, pageToken || undefined, signal);
    } catch (err) {
      if (!(err instanceof CursorExpiredError)) throw err;
      // The feed cannot answer: enumerate and compare stamps instead (still no duplicates, and only
      // changed items are copied), from a fresh cursor for the next pass.
      const fresh = await source.currentCursor(work.source, signal);
      return { entries: [], skipped: 0, next: { phase: 'enumerate', pageToken: '', nextCursor: fresh, sweepAfter: '' }, nextCursor: fresh };
    }
    const ids = [...page.changed.map((i) => i.sourceId), ...page.removed];
    const refs = await this.refs.get(work.projectId, work.mappingId, ids);
    const entries: BatchEntry[] = [];
    let skipped = 0;
    for (const item of page.changed) {
      const ref = refs.get(item.sourceId);
      if (!ref) entries.push({ action: 'copy', item });
      else if (unchanged(ref, item)) skipped++;
      else entries.push({ action: 'update', item });
    }
    for (const id of page.removed) {
      const ref = refs.get(id);
      if (!ref) continue; // never copied: nothing to follow
      if (work.deletionPolicy === 'mirror') entries.push({ action: 'delete', item: goneItem(ref) });
      else skipped++;
    }
    const nextCursor = page.next ? '' : (page.cursor ?? cursor);
    return {
      entries,
      skipped,
      next: page.next ? { phase: 'changes', pageToken: page.next, nextCursor: '', sweepAfter: '' } : null,
      nextCursor,
    };
  }

  private async sweep(work: MappingWork, source: MailSource, after: string, cursor: string, signal: AbortSignal): Promise<StepOutcome> {
    const refs = await this.refs.page(work.projectId, work.mappingId, after, SWEEP_PAGE);
    const current = await source.summaries(work.source, refs.map((r) => r.sourceId), signal);
    const entries: BatchEntry[] = refs.filter((_, i) => current[i] === null).map((ref) => ({ action: 'delete', item: goneItem(ref) }));
    const last = refs.at(-1);
    return {
      entries,
      skipped: 0,
      next: refs.length === SWEEP_PAGE && last ? { phase: 'sweep', pageToken: '', nextCursor: cursor, sweepAfter: last.sourceId } : null,
      nextCursor: cursor,
    };
  }
}

/** A reference whose stamp matches needs nothing; without stamps the state is re-applied (cheap). */
function unchanged(ref: ItemReference, item: SourceItemSummary): boolean {
  return item.changeStamp !== '' && ref.changeStamp === item.changeStamp;
}

/** The entry for a deletion: only the id matters. */
function goneItem(ref: ItemReference): SourceItemSummary {
  return {
    sourceId: ref.sourceId,
    folderIds: [ref.folderId],
    state: { read: true, flagged: false, answered: false, draft: false, importance: 'normal' },
    changeStamp: ref.changeStamp,
    size: 0,
    receivedAt: ref.receivedAt,
  };
}
