import type { CopyBatch, PlanStep, WorkAddress, WorkPublisher } from '@ferry/migration/application';

/** A queued work item in the memory publisher. */
export type QueuedWork = { readonly address: WorkAddress; readonly id: string } & ({ readonly kind: 'plan'; readonly step: PlanStep } | { readonly kind: 'copy'; readonly batch: CopyBatch });

/** A work publisher with JetStream's duplicate window: a repeated id is dropped. */
export class MemoryWorkPublisher implements WorkPublisher {
  readonly queue: QueuedWork[] = [];
  private readonly seen = new Set<string>();
  duplicates = 0;

  batch(address: WorkAddress, batch: CopyBatch): Promise<void> {
    this.push({ address, id: `copy:${batch.batchId}`, kind: 'copy', batch });
    return Promise.resolve();
  }

  step(address: WorkAddress, step: PlanStep): Promise<void> {
    this.push({ address, id: `plan:${address.passId}:${address.mappingId}:${step.step}`, kind: 'plan', step });
    return Promise.resolve();
  }

  private push(work: QueuedWork): void {
    if (this.seen.has(work.id)) {
      this.duplicates++;
      return;
    }
    this.seen.add(work.id);
    this.queue.push(work);
  }
}
