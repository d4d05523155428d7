import { setMaxListeners } from 'node:events';
import { Events, type WorkItem } from '@ferry/contracts';
import { type CopyBatchUseCase, PassNotRunningError, type PlanMailboxUseCase, type WorkAddress } from '@ferry/migration/application';
import { type DeadLetterContext, DeferredMessageError, type FairWorkConsumer, type MessagingClient, PermanentMessageError, type WorkContext } from '@ferry/platform/messaging';
import { batchFromWire, MalformedWorkItemError, planFromWire } from '../queue/work-item.codec';
import { DEFAULT_WORK_QUEUE_LIMITS, PLAN_LANE_PREFIX, WORK_LANE_PREFIX, type WorkQueueLimits } from '../queue/jetstream-work.queue';
import type { WorkerMetrics } from '../metrics/worker-metrics';

/** How a worker replica runs. */
export interface MigrationWorkerOptions {
  /** Work items handled at once by this replica (each copies up to `itemConcurrency` messages). */
  readonly concurrency: number;
  /**
   * Copy batches of one mailbox this replica carries at once while other mailboxes' batches wait
   * (default 1: one batch already asks more than a mailbox's upload budget). Further batches of that
   * mailbox are held, without spending a delivery, and the replica reads on through the lane.
   */
  readonly mailboxBatches?: number;
  readonly queue?: WorkQueueLimits;
  /** Whether a project's lane may be served now (a running pass); cached by the caller. */
  readonly projectActive: (projectId: string) => Promise<boolean>;
  /** Delay before a paused pass's item is offered again. */
  readonly deferMs?: number;
  /** Redelivery delays after failed attempts (default 2 s, 10 s, 30 s, 1 min, 2 min). */
  readonly retryDelaysMs?: readonly number[];
  /** On shutdown, how long items in flight may finish before their requests are aborted (default 20 s). */
  readonly stopGraceMs?: number;
}

export const DEFAULT_MAILBOX_BATCHES = 1;

/** Redelivery delays after failed attempts: quick first, then minutes, as outages last. */
const RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 60_000, 120_000];

/**
 * The worker role: takes work items from every project's lanes in turn and runs them (plan a mailbox
 * step, first; copy a batch, at most `mailboxBatches` of one mailbox at once while others wait). Stateless: everything durable is in the queue and the database, so replicas
 * can be added, removed or killed at any moment.
 */
export class MigrationWorker {
  private consumer: FairWorkConsumer<typeof Events.migrationWork.schema> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly messaging: MessagingClient,
    private readonly plan: PlanMailboxUseCase,
    private readonly copy: CopyBatchUseCase,
    private readonly options: MigrationWorkerOptions,
    private readonly metrics?: WorkerMetrics,
  ) {}

  async start(): Promise<void> {
    // Every request in flight listens on the one shutdown signal: many listeners are expected.
    setMaxListeners(0, this.abort.signal);
    const limits = this.options.queue ?? DEFAULT_WORK_QUEUE_LIMITS;
    this.consumer = await this.messaging.consumeFair(
      Events.migrationWork,
      {
        lanePrefix: WORK_LANE_PREFIX,
        // Planning steps are short and produce every batch: they go first, with a slot of their own.
        priorityLanePrefix: PLAN_LANE_PREFIX,
        concurrency: this.options.concurrency,
        groupOf: (item) => (item.kind.case === 'copy' ? `${item.passId}/${item.mappingId}` : undefined),
        maxPerGroup: Math.max(1, this.options.mailboxBatches ?? DEFAULT_MAILBOX_BATCHES),
        maxDeliveries: limits.maxDeliveries,
        ackWaitMs: limits.ackWaitMs,
        retryDelaysMs: this.options.retryDelaysMs ?? RETRY_DELAYS_MS,
        laneActive: (projectId) => this.options.projectActive(projectId),
        onDeadLetter: (item, ctx) => this.deadLettered(item, ctx),
      },
      (item, ctx) => this.handle(item, ctx),
    );
  }

  /**
   * Stops taking work and lets items in flight finish for the grace period; then aborts their requests
   * (those items are not acked and are redelivered to another worker).
   */
  async stop(): Promise<void> {
    const stopped = this.consumer?.stop() ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.stopGraceMs ?? 20_000)));
    await Promise.race([stopped, grace]);
    clearTimeout(timer);
    this.abort.abort();
    await stopped;
  }

  private async handle(item: WorkItem, ctx: WorkContext): Promise<void> {
    // The subject names the organisation and project the lane belongs to; a payload that claims
    // another is refused (a message cannot reach into another tenant's mailboxes).
    if (!belongsToSubject(item, ctx)) throw new PermanentMessageError('work item does not belong to its subject');
    const address = addressOf(item);
    const delivery = { count: ctx.deliveryCount, last: ctx.deliveryCount >= ctx.maxDeliveries, signal: this.abort.signal };
    const kind = item.kind.case ?? 'unknown';
    const end = this.metrics?.workStarted(kind);
    try {
      if (item.kind.case === 'plan') await this.plan.execute(address, planFromWire(item.kind.value), delivery);
      else if (item.kind.case === 'copy') await this.copy.execute(address, batchFromWire(item), delivery);
      else throw new MalformedWorkItemError('no kind');
      end?.('ok');
    } catch (err) {
      end?.(err instanceof PassNotRunningError ? 'deferred' : 'failed');
      if (err instanceof PassNotRunningError) throw new DeferredMessageError(err.message, this.options.deferMs ?? 5000);
      if (err instanceof MalformedWorkItemError) throw new PermanentMessageError(err.message);
      throw err;
    }
  }

  /**
   * A work item leaves the queue unfinished (the consumer records the dead letter and its audit
   * record): its mailbox's run learns of it, so the pass's counts add up and the pass can complete.
   * A malformed item or one claiming another tenant has nothing it may be recorded against.
   */
  private async deadLettered(item: WorkItem, ctx: DeadLetterContext): Promise<void> {
    if (!belongsToSubject(item, ctx)) return;
    let batch;
    try {
      batch = item.kind.case === 'copy' ? batchFromWire(item) : null;
    } catch (err) {
      if (err instanceof MalformedWorkItemError) return;
      throw err;
    }
    if (item.kind.case === 'plan') await this.plan.abandon(addressOf(item), ctx.deliveryCount);
    else if (batch) await this.copy.abandon(addressOf(item), batch, ctx.deliveryCount);
  }
}

function belongsToSubject(item: WorkItem, ctx: WorkContext): boolean {
  return ctx.params['org'] === item.orgId && ctx.params['project'] === item.projectId;
}

function addressOf(item: WorkItem): WorkAddress {
  return { orgId: item.orgId, projectId: item.projectId, passId: item.passId, mappingId: item.mappingId };
}
