import {
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import {
  type EventContract,
  type EventParams,
  eventFilter,
  eventSubject,
  type RpcContract,
  RpcErrorCode,
  RpcErrorSchema,
  type StreamContract,
} from '@ferry/contracts';
import { Events as NatsEvents, DebugEvents, headers as natsHeaders, type MsgHdrs, type NatsConnection, type Subscription } from 'nats';
import { decode, encode } from './codec';
import { connectionOptions } from './connection-options';
import { connectWithBackoff } from './connect-with-backoff';
import { RpcException, RpcFailure } from './errors';
import { declareConsumer, declareStream } from './jetstream-declare';
import { FairWorkConsumer, type FairWorkConsumerSpec } from './fair-work-consumer';
import type { MessagingLogger, MessagingOptions } from './messaging.options';
import { Naming } from './naming';
import { extractTrace, injectTrace } from './trace-headers';
import { context, inSpan, SpanKind } from './tracing';
import { serverMaxDeliver, WorkConsumer, type WorkConsumerSpec, type WorkHandler } from './work-consumer';

/** The subjects fixed by `filter`: a wildcard filter, or the one subject when every param is given. */
function familyFilter<T extends DescMessage, P extends readonly string[]>(contract: EventContract<T, P>, filter: Partial<EventParams<P>>): string {
  const complete = contract.params.every((p: P[number]) => filter[p] !== undefined);
  return complete ? eventSubject(contract, filter as EventParams<P>) : eventFilter(contract, filter);
}

/** Reply header carrying `ok` or `error`; an error reply's body is a ferry.platform.v1.RpcError. */
export const STATUS_HEADER = 'Ferry-Status';

/** What an RPC handler sees besides the request. */
export interface RpcContext {
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
}

export type RpcHandler<Req extends DescMessage, Res extends DescMessage> = (
  request: MessageShape<Req>,
  ctx: RpcContext,
) => Promise<MessageInitShape<Res>>;

export interface ServeOptions {
  /** Queue group; defaults to the service name so replicas share the load. */
  readonly queue?: string;
}

export interface PublishOptions {
  /** Nats-Msg-Id: JetStream drops a repeat within the stream's duplicate window. */
  readonly msgId: string;
}

export interface PublishResult {
  readonly stream: string;
  readonly sequence: number;
  readonly duplicate: boolean;
}

/**
 * The only NATS access point of a service: request/reply RPC, JetStream publishing and durable work
 * consumers, all protobuf-typed by the contracts catalogue and carrying W3C trace context in headers.
 * Connects in the background; readiness reports the connection state.
 */
export class MessagingClient {
  readonly naming: Naming;
  private connection: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;
  private readonly abort = new AbortController();
  private readonly declared = new Map<string, Promise<string>>();
  private readonly subscriptions: Subscription[] = [];
  private readonly consumers: { stop(): Promise<void> }[] = [];
  private readonly logger: MessagingLogger | undefined;
  private closed = false;

  constructor(readonly options: MessagingOptions) {
    this.naming = new Naming(options.prefix ?? '');
    this.logger = options.logger;
    connectionOptions(options); // validate eagerly: a bad URL or plaintext to a remote host fails start-up
  }

  /** Starts connecting (idempotent) and resolves once connected. */
  ready(): Promise<NatsConnection> {
    this.connecting ??= connectWithBackoff(
      connectionOptions(this.options),
      this.options.maxConnectBackoffMs ?? 30_000,
      this.logger,
      this.abort.signal,
    ).then((nc) => {
      this.connection = nc;
      this.logger?.log(`connected to NATS as ${this.options.service}`, 'Messaging');
      void this.watchStatus(nc);
      return nc;
    });
    return this.connecting;
  }

  /** True while the connection is up (not closed, not reconnecting). */
  isConnected(): boolean {
    const nc = this.connection;
    return nc !== undefined && !nc.isClosed() && !nc.isDraining() && !this.reconnecting;
  }

  private reconnecting = false;

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === NatsEvents.Disconnect || status.type === DebugEvents.Reconnecting) {
        if (!this.reconnecting) this.logger?.warn('lost NATS connection; reconnecting', 'Messaging');
        this.reconnecting = true;
      } else if (status.type === NatsEvents.Reconnect) {
        this.reconnecting = false;
        this.logger?.log('reconnected to NATS', 'Messaging');
      }
    }
  }

  /** Readiness probe for the health module. */
  readonly probe = {
    name: 'nats',
    check: async (): Promise<{ up: boolean; detail?: string }> =>
      this.isConnected() ? { up: true } : { up: false, detail: this.connection ? 'reconnecting' : 'connecting' },
  };

  /** Declares a stream once per client (idempotent on the server too). Returns the prefixed name. */
  declareStream(contract: StreamContract): Promise<string> {
    let pending = this.declared.get(contract.name);
    if (!pending) {
      pending = this.ready()
        .then((nc) => nc.jetstreamManager())
        .then((jsm) => declareStream(jsm, this.naming, contract));
      pending.catch(() => this.declared.delete(contract.name));
      this.declared.set(contract.name, pending);
    }
    return pending;
  }

  /** Serves an RPC subject on a queue group (the service name unless given); resolves once the server has registered it. */
  async serve<Req extends DescMessage, Res extends DescMessage>(
    contract: RpcContract<Req, Res>,
    handler: RpcHandler<Req, Res>,
    options: ServeOptions = {},
  ): Promise<void> {
    const nc = await this.ready();
    const subject = this.naming.subject(contract.subject);
    const sub = nc.subscribe(subject, {
      queue: options.queue ?? this.options.service,
      callback: (err, msg) => {
        if (err) {
          this.logger?.error(`subscription ${contract.subject} failed: ${err.message}`, 'Messaging');
          return;
        }
        void inSpan(`process ${contract.subject}`, SpanKind.SERVER, contract.subject, extractTrace(msg.headers), async () => {
          const reply = natsHeaders();
          let body: Uint8Array;
          try {
            const request = decode(contract.request, msg.data);
            const response = await handler(request, { subject: contract.subject, headers: msg.headers });
            body = encode(contract.response, response as MessageShape<Res>);
            reply.set(STATUS_HEADER, 'ok');
          } catch (e) {
            body = this.errorBody(contract.subject, e, contract.request.typeName);
            reply.set(STATUS_HEADER, 'error');
          }
          if (msg.reply) msg.respond(body, { headers: reply });
        }, msg.data.length).catch(() => undefined);
      },
    });
    this.subscriptions.push(sub);
    // Resolve only once the server has the subscription: a request sent right after serve() resolves
    // would otherwise race it and find no responder.
    await nc.flush();
  }

  private errorBody(subject: string, err: unknown, requestType: string): Uint8Array {
    if (err instanceof RpcException) {
      return encode(RpcErrorSchema, {
        code: err.code,
        message: err.message,
        violations: err.violations.map((v) => ({ ...v })),
        retryAfterSeconds: err.retryAfterSeconds,
      } as MessageShape<typeof RpcErrorSchema>);
    }
    if (err instanceof Error && err.message.startsWith('payload ')) {
      return encode(RpcErrorSchema, {
        code: RpcErrorCode.INVALID_ARGUMENT,
        message: `request did not decode as ${requestType}`,
      } as MessageShape<typeof RpcErrorSchema>);
    }
    // Unexpected errors may carry internals; the caller gets a generic message, the log gets the class.
    this.logger?.error(`handler for ${subject} failed: ${(err as Error)?.name ?? 'error'}: ${(err as Error)?.message ?? ''}`, 'Messaging');
    return encode(RpcErrorSchema, {
      code: RpcErrorCode.INTERNAL,
      message: 'internal error',
    } as MessageShape<typeof RpcErrorSchema>);
  }

  /** Sends a request and returns the decoded response, or throws RpcFailure. */
  async request<Req extends DescMessage, Res extends DescMessage>(
    contract: RpcContract<Req, Res>,
    request: MessageInitShape<Req>,
    options: { timeoutMs?: number } = {},
  ): Promise<MessageShape<Res>> {
    const nc = await this.ready();
    return inSpan(`send ${contract.subject}`, SpanKind.CLIENT, contract.subject, context.active(), async () => {
      const hdrs = natsHeaders();
      injectTrace(hdrs);
      let reply;
      try {
        reply = await nc.request(this.naming.subject(contract.subject), encode(contract.request, request as MessageShape<Req>), {
          timeout: options.timeoutMs ?? this.options.requestTimeoutMs ?? 5000,
          headers: hdrs,
        });
      } catch (err) {
        const code = (err as { code?: string }).code;
        const reason = code === '503' ? 'no service is serving' : code === 'TIMEOUT' ? 'timed out' : 'failed';
        throw new RpcFailure(RpcErrorCode.UNAVAILABLE, `${contract.subject} ${reason}`, contract.subject);
      }
      if (reply.headers?.get(STATUS_HEADER) === 'error') {
        const error = decode(RpcErrorSchema, reply.data);
        throw new RpcFailure(
          error.code,
          error.message,
          contract.subject,
          error.violations.map((v) => ({ field: v.field, reason: v.reason })),
          error.retryAfterSeconds,
        );
      }
      return decode(contract.response, reply.data);
    });
  }

  /** Publishes a durable event to JetStream, deduplicated by msgId, and waits for the stream's ack. */
  async publish<T extends DescMessage, P extends readonly string[]>(
    contract: EventContract<T, P>,
    params: EventParams<P>,
    message: MessageInitShape<T>,
    options: PublishOptions,
  ): Promise<PublishResult> {
    const relative = eventSubject(contract, params);
    await this.declareStream(contract.stream);
    const nc = await this.ready();
    return inSpan(`publish ${contract.base}`, SpanKind.PRODUCER, relative, context.active(), async () => {
      const hdrs = natsHeaders();
      injectTrace(hdrs);
      const ack = await nc.jetstream().publish(this.naming.subject(relative), encode(contract.schema, message as MessageShape<T>), {
        msgID: options.msgId,
        headers: hdrs,
      });
      return { stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
    });
  }

  /** Starts a durable work consumer; returns once it is declared and pulling. */
  async consume<T extends DescMessage, P extends readonly string[]>(
    contract: EventContract<T, P>,
    spec: WorkConsumerSpec<P, T>,
    handler: WorkHandler<T>,
  ): Promise<WorkConsumer<T>> {
    const nc = await this.ready();
    const consumer = new WorkConsumer<T>(this, nc, contract, spec, handler, this.logger);
    this.consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  /**
   * Declares one lane of a fair work queue: a durable consumer `${lanePrefix}-${laneKey}` filtered to
   * the subjects fixed by `filter`. Idempotent. Lanes of one stream must not overlap (work-queue rule).
   */
  async declareLane<T extends DescMessage, P extends readonly string[]>(
    contract: EventContract<T, P>,
    lane: { readonly prefix: string; readonly key: string; readonly filter: Partial<EventParams<P>> },
    limits: { readonly maxDeliveries: number; readonly ackWaitMs: number; readonly maxAckPending: number },
  ): Promise<void> {
    const stream = await this.declareStream(contract.stream);
    const jsm = await (await this.ready()).jetstreamManager();
    await declareConsumer(jsm, {
      stream,
      durable: this.naming.durable(`${lane.prefix}-${lane.key}`),
      filterSubject: this.naming.subject(familyFilter(contract, lane.filter)),
      ackWaitMs: limits.ackWaitMs,
      maxDeliver: serverMaxDeliver(limits.maxDeliveries),
      maxAckPending: limits.maxAckPending,
    });
  }

  /** Removes a lane's consumer (its queued messages stay until purged). Absent is fine. */
  async deleteLane<T extends DescMessage, P extends readonly string[]>(contract: EventContract<T, P>, lane: { readonly prefix: string; readonly key: string }): Promise<void> {
    const stream = await this.declareStream(contract.stream);
    const jsm = await (await this.ready()).jetstreamManager();
    await jsm.consumers.delete(stream, `${lane.prefix}-${lane.key}`).catch((err: unknown) => {
      if ((err as { api_error?: { err_code?: number } }).api_error?.err_code !== 10014) throw err;
    });
  }

  /** Drops every queued message of the subjects fixed by `filter`. Returns how many were purged. */
  async purge<T extends DescMessage, P extends readonly string[]>(contract: EventContract<T, P>, filter: Partial<EventParams<P>>): Promise<number> {
    const stream = await this.declareStream(contract.stream);
    const jsm = await (await this.ready()).jetstreamManager();
    const result = await jsm.streams.purge(stream, { filter: this.naming.subject(familyFilter(contract, filter)) });
    return result.purged;
  }

  /** Messages waiting per lane (not yet delivered, and delivered but not acked): the queue lag. */
  async laneBacklog<T extends DescMessage, P extends readonly string[]>(contract: EventContract<T, P>, prefix: string): Promise<Map<string, { pending: number; ackPending: number }>> {
    const stream = await this.declareStream(contract.stream);
    const jsm = await (await this.ready()).jetstreamManager();
    const backlog = new Map<string, { pending: number; ackPending: number }>();
    for await (const info of jsm.consumers.list(stream)) {
      if (info.name.startsWith(`${prefix}-`)) backlog.set(info.name.slice(prefix.length + 1), { pending: info.num_pending, ackPending: info.num_ack_pending });
    }
    return backlog;
  }

  /** Starts a fair consumer over every lane of the stream (see FairWorkConsumer); returns once it pulls. */
  async consumeFair<T extends DescMessage, P extends readonly string[]>(
    contract: EventContract<T, P>,
    spec: FairWorkConsumerSpec<P, T>,
    handler: WorkHandler<T>,
  ): Promise<FairWorkConsumer<T>> {
    const nc = await this.ready();
    const consumer = new FairWorkConsumer<T>(this, nc, contract, { ...spec, durable: spec.lanePrefix }, handler, this.logger);
    this.consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  /** Stops consumers (waiting for in-flight handlers), then drains the connection, within the drain timeout. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    const deadline = this.options.drainTimeoutMs ?? 10_000;
    const work = (async () => {
      await Promise.all(this.consumers.map((c) => c.stop()));
      const nc = this.connection;
      if (nc && !nc.isClosed()) await nc.drain();
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadline)));
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger?.warn(`NATS drain exceeded ${deadline} ms; closing`, 'Messaging');
      await this.connection?.close();
    }
  }
}
