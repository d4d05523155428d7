import type { BatchEntry, WorkLimits } from './work.types';

/** Splits entries into batches bounded by item count and source-reported bytes (an oversized item travels alone). */
export function toBatches(entries: readonly BatchEntry[], limits: Pick<WorkLimits, 'batchItems' | 'batchBytes'>): BatchEntry[][] {
  const batches: BatchEntry[][] = [];
  let current: BatchEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.item.size;
    if (current.length > 0 && (current.length >= limits.batchItems || bytes + size > limits.batchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A batch id unique within a pass and mapping and the same when a step is replayed. */
export function batchId(passId: string, mappingId: string, step: number, index: number): string {
  return `${passId}:${mappingId}:${step}:${index}`;
}
