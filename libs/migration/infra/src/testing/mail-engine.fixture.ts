import {
  CopyBatchUseCase,
  type DeletionPolicy,
  type Delivery,
  type MailAdapters,
  type MailboxRef,
  type PassKind,
  PlanMailboxUseCase,
  type ReferenceStore,
  type WorkAddress,
  type WorkLimits,
} from '@ferry/migration/application';
import { MemoryRunStore, MemoryWorkPublisher, type QueuedWork } from '@ferry/migration/testing';

const ORG = '00000000-0000-4000-8000-000000000001';
const PROJECT = 'p1';
const MAPPING = 'm1';

/** How a drained queue treats one copy batch: `normal` runs it once, as a first delivery. */
export type CopyDelivery = 'normal' | 'crash-before-references';

/**
 * Tests only: one mapping's passes driven through the real planning and copy use cases, with the
 * in-memory run store, reference store and publisher (the queue a test drains itself), so a spec can
 * deliver work again, out of turn or after a simulated crash.
 */
export class MailEngineFixture {
  readonly store = new MemoryRunStore();
  readonly publisher = new MemoryWorkPublisher();
  readonly plan: PlanMailboxUseCase;
  readonly copy: CopyBatchUseCase;
  /** Every copy batch delivered so far, in order, to deliver again. */
  readonly delivered: QueuedWork[] = [];

  constructor(
    private readonly adapters: MailAdapters,
    private readonly source: MailboxRef,
    private readonly target: MailboxRef,
    private readonly limits: WorkLimits = { batchItems: 2, batchBytes: 1 << 20, itemConcurrency: 2 },
  ) {
    this.plan = new PlanMailboxUseCase(this.store, this.store, adapters, this.publisher, limits);
    this.copy = new CopyBatchUseCase(this.store, this.store, adapters, limits);
  }

  address(passId: string): WorkAddress {
    return { orgId: ORG, projectId: PROJECT, passId, mappingId: MAPPING };
  }

  /** Registers the pass and plans its first step; `drain` carries the rest. */
  async start(passId: string, passKind: PassKind, deletionPolicy: DeletionPolicy): Promise<void> {
    this.store.addWork({
      ...this.address(passId),
      passKind,
      passStatus: 'running',
      source: this.source,
      target: this.target,
      deletionPolicy,
      extraLabels: 'categories',
      cursor: null,
    });
    await this.plan.execute(
      this.address(passId),
      {
        step: 0,
        phase: 'enumerate',
        pageToken: '',
        nextCursor: '',
        totals: { batches: 0, found: 0, bytesFound: 0, skipped: 0 },
        replayed: false,
        sweepAfter: '',
      },
      delivery(1),
    );
  }

  /** Runs queued work until none is left; `copies` decides how the n-th copy batch (from 0) is delivered. */
  async drain(copies: (index: number) => CopyDelivery = () => 'normal'): Promise<void> {
    for (let item = this.publisher.queue.shift(); item; item = this.publisher.queue.shift()) {
      if (item.kind === 'plan') {
        await this.plan.execute(item.address, item.step, delivery(1));
        continue;
      }
      const index = this.delivered.length;
      this.delivered.push(item);
      if (copies(index) === 'crash-before-references') {
        await this.crashBeforeReferences(item);
        // The queue redelivers what was never acknowledged.
        await this.deliverAgain(item);
      } else await this.copy.execute(item.address, item.batch, delivery(1));
    }
  }

  /** Delivers a copy batch again, as the queue does after a lost acknowledgement. */
  deliverAgain(item: QueuedWork, count = 2): Promise<void> {
    if (item.kind !== 'copy') throw new Error('not a copy batch');
    return this.copy.execute(item.address, item.batch, delivery(count));
  }

  /** found / migrated / skipped / failed of the mapping in `passId`. */
  counts(passId: string) {
    return this.store.counts(passId, MAPPING);
  }

  /** True once every batch of the pass's plan was recorded. */
  finished(passId: string): boolean {
    return this.store.run(passId, MAPPING).done;
  }

  /** The batch runs as usual and every copy lands, but the worker dies before it writes their references. */
  private async crashBeforeReferences(item: QueuedWork): Promise<void> {
    if (item.kind !== 'copy') throw new Error('not a copy batch');
    const dying: ReferenceStore = {
      get: (...args) => this.store.get(...args),
      put: () => Promise.reject(new Error('worker died before writing references')),
      remove: (...args) => this.store.remove(...args),
      page: (...args) => this.store.page(...args),
    };
    const crashing = new CopyBatchUseCase(this.store, dying, this.adapters, this.limits);
    const died = await crashing.execute(item.address, item.batch, delivery(1)).then(
      () => false,
      (err: unknown) => err instanceof Error && err.message.startsWith('worker died'),
    );
    if (!died) throw new Error('the batch did not reach its reference write');
  }
}

function delivery(count: number): Delivery {
  return { count, last: false, signal: new AbortController().signal };
}
