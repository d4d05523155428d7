import { createHash } from 'node:crypto';
import { type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ActorKind,
  DeadLetterReason,
  type EventContract,
  eventFilter,
  type EventParams,
  Events,
  Outcome,
  Streams,
} from '@ferry/contracts';
import { trace } from '@opentelemetry/api';
import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { decode } from './codec';
import { DeferredMessageError, PermanentMessageError } from './errors';
import { declareConsumer } from './jetstream-declare';
import type { MessagingClient } from './messaging.client';
import type { MessagingLogger } from './messaging.options';
import { extractTrace } from './trace-headers';
import { inSpan, SpanKind } from './tracing';

/** How a durable work consumer behaves. */
export interface WorkConsumerSpec<P extends readonly string[], T extends DescMessage = DescMessage> {
  /** Durable consumer name, shared by every replica of the service (so each message is handled once). */
  readonly durable: string;
  /** Fixes leading subject params, e.g. `{ region: 'weu' }`. */
  readonly filter?: Partial<EventParams<P>>;
  /** Handler attempts before the message is dead-lettered (default 5). */
  readonly maxDeliveries?: number;
  /** Redelivery delay after the n-th failed attempt; the last entry repeats (default 1s, 5s, 30s, 2m). */
  readonly retryDelaysMs?: readonly number[];
  /** Messages handled at once by this replica (default 8). */
  readonly concurrency?: number;
  /**
   * Messages delivered and not yet acked, across replicas (default four times `concurrency`, at least
   * 64). Set it to `concurrency` when the ack wait is short: only a message in a handler is kept in
   * progress, and one beyond `concurrency` waits in the client's buffer with its ack wait running.
   */
  readonly maxAckPending?: number;
  /** Time the server waits for an ack before redelivering; extended while a handler runs (default 30s). */
  readonly ackWaitMs?: number;
  /**
   * Wait for the server to confirm each ack (default true). An idempotent handler may turn it off: a
   * lost ack then only means one more delivery, and an unconfirmed ack costs far less CPU.
   */
  readonly confirmAcks?: boolean;
  /**
   * Told before a decoded message is dead-lettered (its attempts ran out, including when the last one
   * never finished, or the handler rejected it), so the application can record the work as failed.
   * If it throws, the message is offered again for another try (at most DEAD_LETTER_DELIVERIES in all).
   */
  readonly onDeadLetter?: DeadLetterHandler<T>;
}

/** What a work handler learns about the delivery besides the payload. */
export interface WorkContext {
  readonly subject: string;
  readonly params: Readonly<Record<string, string>>;
  readonly deliveryCount: number;
  readonly streamSequence: number;
  /** Attempts the handler gets; on the last one (`deliveryCount >= maxDeliveries`) a failure dead-letters. */
  readonly maxDeliveries: number;
}

export type WorkHandler<T extends DescMessage> = (message: MessageShape<T>, ctx: WorkContext) => Promise<void>;

/** What a dead-letter hook learns: the delivery and why the message leaves the queue. */
export interface DeadLetterContext extends WorkContext {
  readonly reason: DeadLetterReason;
}

export type DeadLetterHandler<T extends DescMessage> = (message: MessageShape<T>, ctx: DeadLetterContext) => Promise<void>;

/**
 * Deliveries the server makes beyond the handler's attempts: they only dead-letter (a replica that died
 * during the last attempt never did), and there are three so a failing dead-letter hook or publish
 * gets retries instead of stranding the message at the server's cap.
 */
export const DEAD_LETTER_DELIVERIES = 3;

/** The server-side max_deliver for `maxDeliveries` handler attempts. */
export function serverMaxDeliver(maxDeliveries: number): number {
  return maxDeliveries + DEAD_LETTER_DELIVERIES;
}

const DEFAULT_DELAYS = [1000, 5000, 30_000, 120_000];

/** A decoded message and its delivery, for the dead-letter hook. */
interface Decoded<T extends DescMessage> {
  readonly payload: MessageShape<T>;
  readonly ctx: WorkContext;
}

/** A deterministic UUID-shaped id, so a redelivered dead letter produces the same audit event id. */
function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A durable pull consumer with bounded concurrency. Acks only after the handler succeeded; a failure
 * is redelivered after a delay; after maxDeliveries attempts, or at once for undecodable payloads and
 * PermanentMessageError, the message goes to the dead-letter stream with an audit record (the spec's
 * onDeadLetter hook hears of it first).
 *
 * The server-side max_deliver is DEAD_LETTER_DELIVERIES more than the handler's attempts: if a replica
 * dies during the last attempt, the next delivery dead-letters the message instead of leaving it
 * stranded, and a dead-lettering that fails is tried again.
 */
export class WorkConsumer<T extends DescMessage> {
  private messages: ConsumerMessages | undefined;
  protected readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  protected stream = '';
  protected readonly maxDeliveries: number;
  protected readonly concurrency: number;
  protected readonly ackWaitMs: number;

  constructor(
    protected readonly client: MessagingClient,
    protected readonly nc: NatsConnection,
    protected readonly contract: EventContract<T>,
    protected readonly spec: WorkConsumerSpec<readonly string[], T>,
    private readonly handler: WorkHandler<T>,
    protected readonly logger: MessagingLogger | undefined,
  ) {
    this.maxDeliveries = Math.max(1, spec.maxDeliveries ?? 5);
    this.concurrency = Math.max(1, spec.concurrency ?? 8);
    this.ackWaitMs = Math.max(1000, spec.ackWaitMs ?? 30_000);
  }

  async start(): Promise<void> {
    const naming = this.client.naming;
    this.stream = await this.client.declareStream(this.contract.stream);
    await this.client.declareStream(Streams.deadLetter);
    await this.client.declareStream(Streams.audit);
    const durable = naming.durable(this.spec.durable);
    const jsm = await this.nc.jetstreamManager();
    await declareConsumer(jsm, {
      stream: this.stream,
      durable,
      filterSubject: naming.subject(eventFilter(this.contract, this.spec.filter ?? {})),
      ackWaitMs: this.ackWaitMs,
      maxDeliver: serverMaxDeliver(this.maxDeliveries),
      maxAckPending: Math.max(1, this.spec.maxAckPending ?? Math.max(this.concurrency * 4, 64)),
    });
    const consumer = await this.nc.jetstream().consumers.get(this.stream, durable);
    this.messages = await consumer.consume({ max_messages: this.concurrency });
    this.loop = this.run(this.messages);
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const task = this.handle(msg).catch((err: unknown) => {
        this.logger?.error(`consumer ${this.spec.durable}: ${(err as Error).message}`, 'Messaging');
      });
      this.inFlight.add(task);
      void task.finally(() => this.inFlight.delete(task));
    }
  }

  protected async handle(msg: JsMsg): Promise<void> {
    const relative = this.client.naming.relative(msg.subject);
    const { deliveryCount, streamSequence } = msg.info;
    await inSpan(`process ${this.contract.base}`, SpanKind.CONSUMER, relative, extractTrace(msg.headers), async (span) => {
      span.setAttribute('messaging.message.delivery_count', deliveryCount);
      let payload: MessageShape<T>;
      try {
        payload = decode(this.contract.schema, msg.data);
      } catch (err) {
        await this.deadLetter(msg, relative, DeadLetterReason.UNDECODABLE, (err as Error).message);
        return;
      }
      const ctx: WorkContext = { subject: relative, params: this.params(relative), deliveryCount, streamSequence, maxDeliveries: this.maxDeliveries };
      if (deliveryCount > this.maxDeliveries) {
        await this.deadLetter(msg, relative, DeadLetterReason.MAX_DELIVERIES, 'previous attempt did not finish', { payload, ctx });
        return;
      }
      const heartbeat = this.heartbeat(msg);
      try {
        await this.handler(payload, ctx);
      } catch (err) {
        clearInterval(heartbeat);
        await this.failed(msg, relative, err, { payload, ctx });
        return;
      } finally {
        clearInterval(heartbeat);
      }
      if (this.spec.confirmAcks === false) msg.ack();
      else await msg.ackAck();
    }, msg.data.length);
  }

  private async failed(msg: JsMsg, relative: string, err: unknown, decoded: Decoded<T>): Promise<void> {
    const detail = `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 500);
    if (err instanceof PermanentMessageError) {
      await this.deadLetter(msg, relative, DeadLetterReason.REJECTED, detail, decoded);
    } else if (err instanceof DeferredMessageError) {
      msg.nak(err.delayMs);
    } else if (msg.info.deliveryCount >= this.maxDeliveries) {
      await this.deadLetter(msg, relative, DeadLetterReason.MAX_DELIVERIES, detail, decoded);
    } else {
      const delay = this.retryDelay(msg.info.deliveryCount);
      this.logger?.warn(
        `consumer ${this.spec.durable}: attempt ${msg.info.deliveryCount}/${this.maxDeliveries} of seq ${msg.info.streamSequence} failed (${detail}); retry in ${delay} ms`,
        'Messaging',
      );
      msg.nak(delay);
    }
  }

  private retryDelay(deliveryCount: number): number {
    const delays = this.spec.retryDelaysMs ?? DEFAULT_DELAYS;
    return delays[Math.min(deliveryCount - 1, delays.length - 1)] ?? 1000;
  }

  /** Tells the server the message is still being worked on; a connection already gone is no error (the message comes back). */
  protected heartbeat(msg: JsMsg): NodeJS.Timeout {
    return setInterval(() => {
      try {
        msg.working();
      } catch {
        // closed connection: the server redelivers after ack wait
      }
    }, Math.floor(this.ackWaitMs / 3));
  }

  private params(relative: string): Record<string, string> {
    const tokens = relative.slice(this.contract.base.length + 1).split('.');
    return Object.fromEntries(this.contract.params.map((name, i) => [name, tokens[i] ?? '']));
  }

  private async deadLetter(msg: JsMsg, relative: string, reason: DeadLetterReason, detail: string, decoded?: Decoded<T>): Promise<void> {
    const { streamSequence, deliveryCount } = msg.info;
    const key = `${this.stream}:${streamSequence}`;
    const finalDelivery = deliveryCount >= serverMaxDeliver(this.maxDeliveries);
    if (decoded && this.spec.onDeadLetter && !(await this.tellDeadLetter(msg, key, reason, decoded, finalDelivery))) return;
    try {
      await this.client.publish(
        Events.deadLetter,
        { stream: this.contract.stream.name },
        {
          stream: this.stream,
          consumer: this.spec.durable,
          subject: relative,
          streamSequence: BigInt(streamSequence),
          deliveryCount,
          reason,
          detail,
          failedAt: timestampFromDate(new Date()),
          payload: msg.data,
          traceparent: msg.headers?.get('traceparent') ?? '',
        },
        { msgId: `deadletter:${key}` },
      );
      const org = this.params(relative)['org'] ?? '';
      await this.client.publish(
        Events.audit,
        { region: this.client.options.region, org: org || 'platform' },
        {
          id: stableId('deadletter', key),
          occurredAt: timestampFromDate(new Date()),
          orgId: org,
          actor: { kind: ActorKind.SERVICE, id: this.client.options.service },
          action: 'platform.message.dead_lettered',
          target: { type: 'message', id: key },
          outcome: Outcome.FAILURE,
          traceId: trace.getActiveSpan()?.spanContext().traceId ?? '',
          detail: { stream: this.stream, consumer: this.spec.durable, reason: DeadLetterReason[reason] },
        },
        { msgId: `audit:deadletter:${key}` },
      );
    } catch (err) {
      // Could not record it: leave the message on the stream for another try rather than lose it.
      const outlook = finalDelivery ? 'the server will not deliver it again' : 'will retry';
      this.logger?.error(`dead-lettering ${key} failed (${(err as Error).message}); ${outlook}`, 'Messaging');
      msg.nak(5000);
      return;
    }
    this.logger?.warn(
      `consumer ${this.spec.durable}: dead-lettered seq ${streamSequence} after ${deliveryCount} deliveries (${DeadLetterReason[reason]})`,
      'Messaging',
    );
    await msg.ackAck();
  }

  /**
   * Runs the dead-letter hook (with heartbeats, as it may take a while). Returns whether to go on and
   * dead-letter: false when the hook failed and the server will offer the message again; on the
   * server's final delivery the message is dead-lettered anyway, so it at least reaches the
   * dead-letter stream and the audit trail.
   */
  private async tellDeadLetter(msg: JsMsg, key: string, reason: DeadLetterReason, decoded: Decoded<T>, finalDelivery: boolean): Promise<boolean> {
    const heartbeat = this.heartbeat(msg);
    try {
      await this.spec.onDeadLetter?.(decoded.payload, { ...decoded.ctx, reason });
      return true;
    } catch (err) {
      const name = (err as Error)?.name ?? 'Error';
      if (finalDelivery) {
        this.logger?.error(`consumer ${this.spec.durable}: dead-letter hook for ${key} failed (${name}) on the last delivery; dead-lettering without it`, 'Messaging');
        return true;
      }
      const delay = this.retryDelay(msg.info.deliveryCount);
      this.logger?.warn(`consumer ${this.spec.durable}: dead-letter hook for ${key} failed (${name}); retry in ${delay} ms`, 'Messaging');
      msg.nak(delay);
      return false;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Stops pulling and waits for handlers already running. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }
}
