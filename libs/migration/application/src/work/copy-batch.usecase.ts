import { idempotencyKey, type SourceFolder, type TargetPlacement } from '@ferry/migration/domain';
import { placeItem } from '@ferry/migration/domain';
import { ItemRejectedError, type ItemFailureReason, type MailAdapters, type MailSource, type MailTarget } from '../ports/mail.ports';
import type { ItemReference, ReferenceStore } from '../ports/reference.ports';
import type { ItemFailure, MappingWork, RunStore } from '../ports/run.ports';
import { FolderDirectory } from './folder-directory';
import { ReferenceCheckpoint } from './reference-checkpoint';
import { describeFailure, PassNotRunningError } from './work.errors';
import type { BatchEntry, CopyBatch, Delivery, WorkAddress, WorkLimits } from './work.types';

/** What happened to one entry. */
type EntryOutcome =
  | { readonly kind: 'done'; readonly bytes: number; readonly ref: ItemReference | null; readonly removed: boolean }
  | { readonly kind: 'failed'; readonly failure: ItemFailure }
  | { readonly kind: 'retry'; readonly error: unknown };

/** Hooks for metrics and spans; every argument is a class or a count, never an id of a person. */
export interface WorkObserver {
  itemDone(action: BatchEntry['action'], bytes: number): void;
  itemFailed(reason: ItemFailureReason): void;
}

const QUIET: WorkObserver = { itemDone: () => undefined, itemFailed: () => undefined };

/**
 * Carries one batch of a mailbox: copies new items, re-applies changed state, removes what left the
 * source (mirror policy), records each copy's reference, then the batch's result once.
 *
 * Exactly one copy per item from at-least-once delivery: an item with a reference is done; on a
 * redelivery (or a batch from a replayed planning step) the target is asked for a copy carrying the
 * item's idempotency key before writing, which finds an upload made before a crash. References are
 * written as items finish (see ReferenceCheckpoint), also when others need another try or the worker
 * is killed mid-batch, so a retry redoes only the rest.
 */
export class CopyBatchUseCase {
  private readonly folders: FolderDirectory;

  constructor(
    private readonly runs: RunStore,
    private readonly refs: ReferenceStore,
    private readonly adapters: MailAdapters,
    private readonly limits: WorkLimits,
    private readonly observer: WorkObserver = QUIET,
    folders?: FolderDirectory,
  ) {
    this.folders = folders ?? new FolderDirectory();
  }

  async execute(address: WorkAddress, batch: CopyBatch, delivery: Delivery): Promise<void> {
    const work = await this.runs.mappingWork(address.orgId, address.passId, address.mappingId);
    if (!work || work.passStatus === 'cancelled' || work.passStatus === 'completed' || work.passStatus === 'failed') return;
    if (work.passStatus !== 'running') throw new PassNotRunningError(work.passStatus);
    try {
      await this.carryBatch(address, work, batch, delivery);
    } catch (err) {
      if (!delivery.last || delivery.signal.aborted || err instanceof PassNotRunningError) throw err;
      // Failing before its items could finish (folders, references) through every retry: what an
      // earlier attempt finished counts, the rest is recorded failed, so the pass can finish.
      await this.recordUnfinished(address, work, batch, 'transient-exhausted', describeFailure(err));
    }
  }

  /**
   * The batch left the queue without any attempt finishing it (dead-lettered: its workers were killed
   * or stopped on every delivery): items an earlier attempt finished (their references say so) count
   * as done, the others are recorded failed with `interrupted`, so the mailbox's counts add up and the
   * pass completes. Their references are absent, so a later pass copies them, verifying the target first.
   */
  async abandon(address: WorkAddress, batch: CopyBatch, deliveries: number): Promise<void> {
    const work = await this.runs.mappingWork(address.orgId, address.passId, address.mappingId);
    if (!work || work.passStatus === 'cancelled' || work.passStatus === 'completed' || work.passStatus === 'failed') return;
    await this.recordUnfinished(address, work, batch, 'interrupted', `no attempt finished in ${deliveries} deliveries (the worker stopped during each)`);
  }

  private async recordUnfinished(address: WorkAddress, work: MappingWork, batch: CopyBatch, reason: ItemFailureReason, detail: string): Promise<void> {
    const refs = await this.refs.get(work.projectId, work.mappingId, batch.entries.map((e) => e.item.sourceId));
    const finished = batch.entries.filter((e) => finishedBefore(e, refs.get(e.item.sourceId)));
    const failures = batch.entries.filter((e) => !finished.includes(e)).map((e): ItemFailure => ({ sourceId: e.item.sourceId, reason, detail }));
    for (let i = 0; i < failures.length; i++) this.observer.itemFailed(reason);
    await this.runs.recordBatch({
      passId: address.passId,
      mappingId: address.mappingId,
      batchId: batch.batchId,
      migrated: finished.length,
      skipped: 0,
      failed: failures.length,
      bytes: finished.reduce((sum, e) => sum + e.item.size, 0),
      failures,
    });
  }

  private async carryBatch(address: WorkAddress, work: MappingWork, batch: CopyBatch, delivery: Delivery): Promise<void> {
    const source = this.adapters.source(work.source.system);
    const target = this.adapters.target(work.target.system);
    const signal = delivery.signal;
    const existing = await this.refs.get(work.projectId, work.mappingId, batch.entries.map((e) => e.item.sourceId));
    const folderIds = [...new Set(batch.entries.filter((e) => e.action !== 'delete').flatMap((e) => e.item.folderIds))];
    const folders = folderIds.length === 0 ? new Map<string, SourceFolder>() : await this.folders.folders(`${work.mappingId}`, source, work.source, signal, folderIds);
    const placements = new Map(batch.entries.map((e) => [e.item.sourceId, placeItem(e.item, folders, work.source.system, work.target.system, { extraLabels: work.extraLabels })] as const));
    const toPrepare = batch.entries.filter((e) => e.action !== 'delete').map((e) => placements.get(e.item.sourceId) as TargetPlacement);
    if (toPrepare.length > 0) await target.prepare(work.target, uniquePlacements(toPrepare), signal);

    const verify = batch.verifyTarget || delivery.count > 1;
    // References are written as items finish, so an attempt cut short keeps what it copied.
    const checkpoint = new ReferenceCheckpoint(this.refs, work.projectId, work.mappingId, this.limits.checkpoint);
    const outcomes = await mapBounded(batch.entries, this.limits.itemConcurrency, async (entry) => {
      const outcome = await this.carry(work, source, target, entry, existing.get(entry.item.sourceId) ?? null, placements.get(entry.item.sourceId) as TargetPlacement, verify, delivery);
      if (outcome.kind === 'done' && outcome.ref) checkpoint.put(outcome.ref);
      if (outcome.kind === 'done' && outcome.removed) checkpoint.remove(entry.item.sourceId);
      return outcome;
    });
    await checkpoint.flush();
    const retry = outcomes.find((o) => o.kind === 'retry');
    if (retry && retry.kind === 'retry') throw retry.error;

    const failures = outcomes.flatMap((o) => (o.kind === 'failed' ? [o.failure] : []));
    const done = outcomes.filter((o) => o.kind === 'done');
    await this.runs.recordBatch({
      passId: address.passId,
      mappingId: address.mappingId,
      batchId: batch.batchId,
      migrated: done.length,
      skipped: 0,
      failed: failures.length,
      bytes: done.reduce((sum, o) => sum + (o.kind === 'done' ? o.bytes : 0), 0),
      failures,
    });
  }

  private async carry(work: MappingWork, source: MailSource, target: MailTarget, entry: BatchEntry, ref: ItemReference | null, placement: TargetPlacement, verify: boolean, delivery: Delivery): Promise<EntryOutcome> {
    const { item } = entry;
    const signal = delivery.signal;
    try {
      if (entry.action === 'delete') {
        if (ref) await target.remove(work.target, ref.targetId, signal);
        this.observer.itemDone('delete', 0);
        // Done bytes are the source's, as the plan counted them found (the metric counts bytes sent).
        return { kind: 'done', bytes: item.size, ref: null, removed: ref !== null };
      }
      if (ref && entry.action === 'update') {
        await target.update(work.target, { targetId: ref.targetId, placement }, signal);
        this.observer.itemDone('update', 0);
        return { kind: 'done', bytes: item.size, removed: false, ref: { ...ref, changeStamp: item.changeStamp, folderId: item.folderIds[0] ?? ref.folderId } };
      }
      if (ref) {
        // Copied by an earlier delivery of this batch: done, nothing to send.
        return { kind: 'done', bytes: item.size, ref: null, removed: false };
      }
      const key = idempotencyKey(work.projectId, work.mappingId, item.sourceId);
      const reference = (targetId: string, contentHash: string): ItemReference => ({
        projectId: work.projectId,
        mappingId: work.mappingId,
        sourceId: item.sourceId,
        targetId,
        folderId: item.folderIds[0] ?? '',
        changeStamp: item.changeStamp,
        contentHash,
        receivedAt: item.receivedAt,
      });
      if (verify) {
        const found = await target.find(work.target, key, signal);
        if (found) {
          this.observer.itemDone('copy', 0);
          return { kind: 'done', bytes: item.size, removed: false, ref: reference(found, '') };
        }
      }
      const written = await target.write(
        work.target,
        { key, placement, receivedAt: item.receivedAt, size: item.size, mayExist: verify, openMime: (s) => source.openMime(work.source, item.sourceId, s) },
        signal,
      );
      this.observer.itemDone('copy', written.bytes);
      return { kind: 'done', bytes: item.size > 0 ? item.size : written.bytes, removed: false, ref: reference(written.targetId, written.contentHash) };
    } catch (err) {
      if (err instanceof ItemRejectedError) {
        this.observer.itemFailed(err.reason);
        return { kind: 'failed', failure: { sourceId: item.sourceId, reason: err.reason, detail: err.detail.slice(0, 300) } };
      }
      if (signal.aborted || !delivery.last) return { kind: 'retry', error: err };
      this.observer.itemFailed('transient-exhausted');
      return { kind: 'failed', failure: { sourceId: item.sourceId, reason: 'transient-exhausted', detail: describeFailure(err) } };
    }
  }
}

/** Whether an earlier attempt finished this entry, as its reference (or its absence, for a deletion) shows. */
function finishedBefore(entry: BatchEntry, ref: ItemReference | undefined): boolean {
  switch (entry.action) {
    case 'copy':
      return ref !== undefined;
    case 'update':
      return ref !== undefined && entry.item.changeStamp !== '' && ref.changeStamp === entry.item.changeStamp;
    case 'delete':
      return ref === undefined;
  }
}

function uniquePlacements(placements: readonly TargetPlacement[]): TargetPlacement[] {
  const seen = new Map<string, TargetPlacement>();
  for (const p of placements) seen.set(JSON.stringify([p.role, p.path, p.extraLabels]), p);
  return [...seen.values()];
}

/** Maps with at most `limit` calls at once, keeping order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
