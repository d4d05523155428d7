import { create } from '@bufbuild/protobuf';
import {
  BatchEntrySchema,
  ItemAction,
  PlanPhase,
  type WorkItem,
  type BatchEntry as WireEntry,
  type PlanMailbox,
} from '@ferry/contracts';
import type { BatchEntry, CopyBatch, EntryAction, PlanStep } from '@ferry/migration/application';
import type { Importance } from '@ferry/migration/domain';

const ACTIONS: Record<EntryAction, ItemAction> = { copy: ItemAction.COPY, update: ItemAction.UPDATE, delete: ItemAction.DELETE };
const PHASES: Record<PlanStep['phase'], PlanPhase> = { enumerate: PlanPhase.ENUMERATE, changes: PlanPhase.CHANGES, sweep: PlanPhase.SWEEP };

/** A work item that decodes as protobuf but cannot be meant (unknown action or phase): never retried. */
export class MalformedWorkItemError extends Error {
  constructor(what: string) {
    super(`malformed work item: ${what}`);
    this.name = 'MalformedWorkItemError';
  }
}

export function planToWire(step: PlanStep): PlanMailbox {
  return {
    $typeName: 'ferry.migration.v1.PlanMailbox',
    step: step.step,
    phase: PHASES[step.phase],
    pageToken: step.pageToken,
    nextCursor: step.nextCursor,
    totals: { $typeName: 'ferry.migration.v1.PlanTotals', batches: step.totals.batches, found: BigInt(step.totals.found), bytesFound: BigInt(step.totals.bytesFound), skipped: BigInt(step.totals.skipped) },
    replayed: step.replayed,
    sweepAfter: step.sweepAfter,
  };
}

export function planFromWire(plan: PlanMailbox): PlanStep {
  const phase = (Object.entries(PHASES).find(([, v]) => v === plan.phase)?.[0] ?? (plan.step === 0 ? 'enumerate' : undefined)) as PlanStep['phase'] | undefined;
  if (!phase) throw new MalformedWorkItemError('unknown plan phase');
  return {
    step: plan.step,
    phase,
    pageToken: plan.pageToken,
    nextCursor: plan.nextCursor,
    totals: {
      batches: plan.totals?.batches ?? 0,
      found: Number(plan.totals?.found ?? 0n),
      bytesFound: Number(plan.totals?.bytesFound ?? 0n),
      skipped: Number(plan.totals?.skipped ?? 0n),
    },
    replayed: plan.replayed,
    sweepAfter: plan.sweepAfter,
  };
}

export function entryToWire(entry: BatchEntry): WireEntry {
  const { item } = entry;
  return create(BatchEntrySchema, {
    sourceId: item.sourceId,
    action: ACTIONS[entry.action],
    changeStamp: item.changeStamp,
    size: BigInt(Math.max(0, Math.floor(item.size))),
    folderIds: [...item.folderIds],
    state: { ...item.state },
    receivedAtMs: BigInt(Math.floor(item.receivedAt)),
  });
}

export function entryFromWire(entry: WireEntry): BatchEntry {
  const action = (Object.entries(ACTIONS).find(([, v]) => v === entry.action)?.[0]) as EntryAction | undefined;
  if (!action) throw new MalformedWorkItemError('unknown item action');
  if (entry.sourceId === '' || entry.sourceId.length > 1024) throw new MalformedWorkItemError('source id missing or too long');
  const importance: Importance = entry.state?.importance === 'high' || entry.state?.importance === 'low' ? entry.state.importance : 'normal';
  return {
    action,
    item: {
      sourceId: entry.sourceId,
      folderIds: entry.folderIds,
      changeStamp: entry.changeStamp,
      size: Number(entry.size),
      receivedAt: Number(entry.receivedAtMs),
      state: {
        read: entry.state?.read ?? false,
        flagged: entry.state?.flagged ?? false,
        answered: entry.state?.answered ?? false,
        draft: entry.state?.draft ?? false,
        importance,
      },
    },
  };
}

export function batchFromWire(item: WorkItem): CopyBatch {
  if (item.kind.case !== 'copy') throw new MalformedWorkItemError('not a copy batch');
  return { batchId: item.kind.value.batchId, entries: item.kind.value.entries.map(entryFromWire), verifyTarget: item.kind.value.verifyTarget };
}
