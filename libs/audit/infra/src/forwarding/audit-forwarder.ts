import { type AuditEvent, Events } from '@ferry/contracts';
import { DeferredMessageError, type MessagingClient, type MessagingLogger, PermanentMessageError, type WorkContext } from '@ferry/platform/messaging';
import { auditEventView } from './audit-event.view';
import { BatchQueue, DEFAULT_RETRY, QueueStoppedError, type RetryPolicy } from './batch-queue';
import type { BatchLimits } from './forwarding.config';
import { type ForwardingSink, SinkError } from './forwarding-sink';

/** Durable consumer names are `audit-forward-<sink kind>`: one per destination, each with its own position. */
export const FORWARDER_DURABLE_PREFIX = 'audit-forward';

/** The action WorkConsumer records when it dead-letters a message. */
const DEAD_LETTERED = 'platform.message.dead_lettered';

/**
 * Default time JetStream waits for an event's ack before offering it again: what a forwarder killed
 * mid-batch costs its events before a restarted one forwards them. Kept short because every
 * delivered event is in a handler, kept in progress (`working()`) until its batch was accepted, so a
 * destination retried for minutes does not run into it.
 */
export const FORWARD_ACK_WAIT_MS = 10_000;

export interface AuditForwarderOptions {
  readonly sink: ForwardingSink;
  readonly batch: BatchLimits;
  /** The consumer's ack wait (default {@link FORWARD_ACK_WAIT_MS}). */
  readonly ackWaitMs?: number;
  readonly retry?: RetryPolicy;
  readonly logger?: MessagingLogger;
  /** How long a stopping forwarder keeps delivering what it holds (default 5 s). */
  readonly shutdownGraceMs?: number;
}

/**
 * Follows the AUDIT stream with a durable consumer of its own and forwards every event to one sink,
 * acking a message only once the batch holding it was accepted. Delivery is at least once: a
 * redelivered message (after a crash or a retried batch) reaches the destination again, with the same
 * event `id`, which receivers deduplicate on.
 *
 * A batch the destination refuses for good is dead-lettered message by message (the DEADLETTER stream
 * keeps the payloads for replay, and an audit event records it). Those dead-letter notices are forwarded
 * too; if the destination refuses one of them as well, it is logged and dropped rather than
 * dead-lettered again, which would feed the destination an endless chain of notices.
 */
export class AuditForwarder {
  readonly durable: string;
  private readonly queue: BatchQueue;
  private consumer: { stop(): Promise<void> } | undefined;
  private stopped = false;

  constructor(
    private readonly messaging: MessagingClient,
    private readonly options: AuditForwarderOptions,
  ) {
    this.durable = `${FORWARDER_DURABLE_PREFIX}-${options.sink.kind}`;
    this.queue = new BatchQueue(options.sink, options.batch, options.retry ?? DEFAULT_RETRY, options.logger);
  }

  /** Declares the durable consumer (idempotent) and starts pulling; resolves once it pulls. */
  async start(): Promise<void> {
    // Room for one batch in flight and the next one filling; order holds because batches go one at a time.
    const concurrency = this.options.batch.maxEvents * 2;
    const consumer = await this.messaging.consume(
      Events.audit,
      {
        durable: this.durable,
        concurrency,
        // Every delivered event is in a handler, which keeps it in progress while its batch waits, is
        // sent or is retried: none waits unattended in the client's buffer while its ack wait runs.
        maxAckPending: concurrency,
        // Retries happen inside the queue, never by redelivery, so deliveries only grow on restarts.
        maxDeliveries: 10_000,
        // Set on the existing durable too (JetStream 2.9 updates ack_wait in place, and applies it to
        // events already delivered): a forwarder restarted after a crash gets the dead one's events
        // once this has passed.
        ackWaitMs: this.options.ackWaitMs ?? FORWARD_ACK_WAIT_MS,
      },
      (event, ctx) => this.handle(event, ctx),
    );
    this.consumer = consumer;
    // Stopped while it was still connecting (NATS down at shutdown): it must not pull any more.
    if (this.stopped) await consumer.stop();
  }

  /** Stops pulling, lets the batch in flight finish within the grace period, and closes the sink. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.consumer?.stop(), this.queue.stop(this.options.shutdownGraceMs ?? 5000)]);
    await this.options.sink.close();
  }

  private async handle(event: AuditEvent, ctx: WorkContext): Promise<void> {
    const origin = { subject: ctx.subject, region: ctx.params['region'] ?? '' };
    try {
      await this.queue.add(this.options.sink.encode(auditEventView(event, origin), origin));
    } catch (err) {
      if (err instanceof QueueStoppedError) throw new DeferredMessageError(err.message, 1000);
      if (!(err instanceof SinkError) || err.retryable) throw err;
      if (this.isForwarderDeadLetterNotice(event)) {
        this.options.logger?.error(`${this.options.sink.kind}: dropped dead-letter notice ${event.id} the destination refused (${err.message})`, 'AuditForwarding');
        return;
      }
      throw new PermanentMessageError(`${this.options.sink.kind} refused the event: ${err.message}`);
    }
  }

  private isForwarderDeadLetterNotice(event: AuditEvent): boolean {
    return event.action === DEAD_LETTERED && (event.detail['consumer'] ?? '').startsWith(`${FORWARDER_DURABLE_PREFIX}-`);
  }
}
