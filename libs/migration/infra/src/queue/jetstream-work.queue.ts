import { Events } from '@ferry/contracts';
import type { CopyBatch, PlanStep, WorkAddress, WorkPublisher, WorkQueue } from '@ferry/migration/application';
import { NO_TOTALS } from '@ferry/migration/application';
import type { MessagingClient } from '@ferry/platform/messaging';
import { entryToWire, planToWire } from './work-item.codec';

/** Lanes of the work stream are named `work-<project id>`: one per project, served in turn. */
export const WORK_LANE_PREFIX = 'work';
/** A project's planning steps have a lane of their own, `plan-<project id>`, served before copy batches. */
export const PLAN_LANE_PREFIX = 'plan';

/** Delivery limits shared by the declaring (planner) and consuming (worker) sides. */
export interface WorkQueueLimits {
  /** Attempts per work item; the last one records failures instead of failing again. */
  readonly maxDeliveries: number;
  /** Time a worker has to ack before redelivery; extended while it works (heartbeats). */
  readonly ackWaitMs: number;
  /** Unacked items per lane, across all workers. */
  readonly maxAckPending: number;
}

export const DEFAULT_WORK_QUEUE_LIMITS: WorkQueueLimits = { maxDeliveries: 6, ackWaitMs: 60_000, maxAckPending: 256 };

/**
 * The migration work queue on JetStream: `migration.v1.work.<org>.<project>.<plan|copy>` in the
 * work-queue stream, two lanes (durable consumers) per project: its copy batches, and its planning
 * steps, which workers serve first (a mailbox's next page must not wait behind every batch queued). Every publish carries a deterministic
 * message id, so a repeated step or batch within the duplicate window is dropped by the server.
 */
export class JetStreamWorkQueue implements WorkQueue, WorkPublisher {
  constructor(
    private readonly messaging: MessagingClient,
    private readonly limits: WorkQueueLimits = DEFAULT_WORK_QUEUE_LIMITS,
  ) {}

  async open(orgId: string, projectId: string): Promise<void> {
    try {
      await this.messaging.declareLane(Events.migrationWork, { prefix: WORK_LANE_PREFIX, key: projectId, filter: { org: orgId, project: projectId, kind: 'copy' } }, this.limits);
    } catch (err) {
      // A lane declared before planning had its own lane filters every kind; a work-queue stream
      // allows no overlapping lane, so that project keeps planning in its one lane.
      if (/filters a different subject/.test((err as Error).message)) return;
      throw err;
    }
    await this.messaging.declareLane(Events.migrationWork, { prefix: PLAN_LANE_PREFIX, key: projectId, filter: { org: orgId, project: projectId, kind: 'plan' } }, this.limits);
  }

  async plan(orgId: string, projectId: string, passId: string, mappingId: string): Promise<void> {
    await this.step({ orgId, projectId, passId, mappingId }, { step: 0, phase: 'enumerate', pageToken: '', nextCursor: '', totals: NO_TOTALS, replayed: false, sweepAfter: '' });
  }

  async purge(orgId: string, projectId: string): Promise<void> {
    await this.messaging.purge(Events.migrationWork, { org: orgId, project: projectId });
  }

  async step(address: WorkAddress, step: PlanStep): Promise<void> {
    await this.messaging.publish(
      Events.migrationWork,
      { org: address.orgId, project: address.projectId, kind: 'plan' },
      { orgId: address.orgId, projectId: address.projectId, passId: address.passId, mappingId: address.mappingId, kind: { case: 'plan', value: planToWire(step) } },
      { msgId: `plan:${address.passId}:${address.mappingId}:${step.step}` },
    );
  }

  async batch(address: WorkAddress, batch: CopyBatch): Promise<void> {
    await this.messaging.publish(
      Events.migrationWork,
      { org: address.orgId, project: address.projectId, kind: 'copy' },
      {
        orgId: address.orgId,
        projectId: address.projectId,
        passId: address.passId,
        mappingId: address.mappingId,
        kind: { case: 'copy', value: { batchId: batch.batchId, entries: batch.entries.map(entryToWire), verifyTarget: batch.verifyTarget } },
      },
      { msgId: `copy:${batch.batchId}` },
    );
  }
}
