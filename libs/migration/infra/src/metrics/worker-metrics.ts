import type { ItemFailureReason, WorkObserver } from '@ferry/migration/application';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ThrottleMetrics } from '../throttle/throttle-metrics';

/**
 * The worker's Prometheus metrics. Labels are classes (action, outcome, reason, vendor, kind), never
 * an organisation, a project or a mailbox: the series count stays bounded whatever the load, and no
 * identifier of a person reaches the metrics system. Queue lag is what the chart scales workers on.
 */
export class WorkerMetrics implements WorkObserver, ThrottleMetrics {
  readonly registry = new Registry();
  private readonly items = new Counter({ name: 'ferry_migration_items_total', help: 'Items carried, by action (copy, update, delete)', labelNames: ['action'], registers: [this.registry] });
  private readonly bytes = new Counter({ name: 'ferry_migration_bytes_total', help: 'Bytes written to targets', registers: [this.registry] });
  private readonly errors = new Counter({ name: 'ferry_migration_item_errors_total', help: 'Items that failed for good, by reason class', labelNames: ['reason'], registers: [this.registry] });
  private readonly throttleWait = new Counter({ name: 'ferry_migration_throttle_wait_seconds_total', help: 'Time requests waited for the throttle governor, by vendor', labelNames: ['vendor'], registers: [this.registry] });
  private readonly throttled = new Counter({ name: 'ferry_migration_throttled_total', help: 'Requests the provider answered throttled (429/503 with Retry-After), by vendor', labelNames: ['vendor'], registers: [this.registry] });
  private readonly requests = new Gauge({ name: 'ferry_migration_requests_in_flight', help: 'Provider requests this worker has in flight, by vendor', labelNames: ['vendor'], registers: [this.registry] });
  private readonly inFlight = new Gauge({ name: 'ferry_migration_work_in_flight', help: 'Work items being handled by this worker', registers: [this.registry] });
  private readonly work = new Histogram({
    name: 'ferry_migration_work_seconds',
    help: 'Time to handle a work item, by kind (plan, copy) and outcome (ok, failed, deferred)',
    labelNames: ['kind', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly queueLag = new Gauge({ name: 'ferry_migration_queue_lag', help: 'Work items waiting in the queue (all projects), undelivered plus unacknowledged', registers: [this.registry] });
  readonly lanes = new Gauge({ name: 'ferry_migration_queue_lanes', help: 'Projects with a lane on the work queue', registers: [this.registry] });

  itemDone(action: 'copy' | 'update' | 'delete', bytes: number): void {
    this.items.inc({ action });
    if (bytes > 0) this.bytes.inc(bytes);
  }

  itemFailed(reason: ItemFailureReason): void {
    this.errors.inc({ reason });
  }

  onWait(vendor: string, ms: number): void {
    this.throttleWait.inc({ vendor }, ms / 1000);
  }

  onThrottled(vendor: string): void {
    this.throttled.inc({ vendor });
  }

  setInFlight(vendor: string, inFlight: number): void {
    this.requests.set({ vendor }, inFlight);
  }

  /** Marks a work item started; call the returned function with its outcome. */
  workStarted(kind: string): (outcome: 'ok' | 'failed' | 'deferred') => void {
    this.inFlight.inc();
    const end = this.work.startTimer({ kind });
    return (outcome) => {
      this.inFlight.dec();
      end({ outcome });
    };
  }
}
