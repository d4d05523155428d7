import { randomUUID } from 'node:crypto';
import { backoffDelay, type MessagingLogger } from '@ferry/platform/messaging';
import type { BatchLimits } from './forwarding.config';
import { type ForwardingSink, SinkError } from './forwarding-sink';

/** How failed deliveries are retried: jittered exponential backoff, or the destination's Retry-After. */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** A Retry-After longer than this is cut to it (a bogus value must not stall the stream for days). */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 60_000, maxRetryAfterMs: 10 * 60_000 };

/** The queue stopped before the event's batch was accepted: the message goes back to the stream. */
export class QueueStoppedError extends Error {
  constructor() {
    super('forwarder stopped before the batch was delivered');
    this.name = 'QueueStoppedError';
  }
}

interface Item {
  readonly frame: Buffer;
  resolve(): void;
  reject(err: Error): void;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Gathers encoded events into batches bounded by count and bytes (a batch that is not full leaves
 * `flushMs` after its first event) and hands them to the sink one at a time, in arrival order.
 * A retryable failure is retried until it succeeds, so a destination that is down holds the batch
 * (and, through the consumer's bounded concurrency, the stream) until it is back. `add` resolves once
 * the event's batch was accepted, which is when its message may be acked.
 */
export class BatchQueue {
  private open: Item[] = [];
  private openBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly ready: Item[][] = [];
  private pumping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopping = false;

  constructor(
    private readonly sink: ForwardingSink,
    private readonly limits: BatchLimits,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly logger?: MessagingLogger,
  ) {}

  /**
   * Queues one encoded event. Rejects with a non-retryable {@link SinkError} when the destination
   * refused its batch or the event alone exceeds a limit, and with {@link QueueStoppedError} at shutdown.
   */
  add(frame: Buffer): Promise<void> {
    if (this.stopping) return Promise.reject(new QueueStoppedError());
    const limit = Math.min(this.sink.maxEventBytes, this.limits.maxBytes - 1);
    if (frame.length > limit) {
      return Promise.reject(new SinkError(`the event encodes to ${frame.length} bytes, more than the ${this.sink.kind} limit of ${limit}`, false));
    }
    return new Promise<void>((resolve, reject) => {
      // One separator byte per event (the webhook's newline); syslog frames need none, so this errs small.
      const size = frame.length + 1;
      if (this.open.length > 0 && this.openBytes + size > this.limits.maxBytes) this.seal();
      this.open.push({ frame, resolve, reject });
      this.openBytes += size;
      if (this.open.length >= this.limits.maxEvents) this.seal();
      else if (this.open.length === 1) this.timer = setTimeout(() => this.seal(), this.limits.flushMs);
    });
  }

  /**
   * Sends what is open, lets deliveries run for up to `graceMs`, then aborts the one in flight. Events
   * not delivered by then are rejected with {@link QueueStoppedError}.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.seal();
    const pumping = this.pumping ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pumping, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.abort.abort();
    await pumping;
    for (const batch of this.ready.splice(0)) for (const item of batch) item.reject(new QueueStoppedError());
  }

  private seal(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.open.length === 0) return;
    this.ready.push(this.open);
    this.open = [];
    this.openBytes = 0;
    this.pumping ??= this.pump();
  }

  private async pump(): Promise<void> {
    for (let batch = this.ready.shift(); batch && !this.abort.signal.aborted; batch = this.ready.shift()) {
      await this.send(batch);
    }
    // Reset before returning, with no await in between, so a batch sealed from now on starts a new pump.
    this.pumping = undefined;
  }

  private async send(batch: Item[]): Promise<void> {
    const batchId = randomUUID();
    const frames = batch.map((item) => item.frame);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.sink.deliver(frames, batchId, this.abort.signal);
        if (attempt > 1) this.logger?.log(`${this.sink.kind}: batch ${batchId} of ${batch.length} events delivered at attempt ${attempt}`, 'AuditForwarding');
        for (const item of batch) item.resolve();
        return;
      } catch (err) {
        // Sinks report SinkErrors; anything else is a bug whose message is not known to be safe to log.
        const failure = err instanceof SinkError ? err : new SinkError(`unexpected ${(err as Error)?.name ?? 'error'}`, true);
        if (!failure.retryable) {
          this.logger?.error(`${this.sink.kind}: batch ${batchId} of ${batch.length} events refused: ${failure.message}`, 'AuditForwarding');
          for (const item of batch) item.reject(failure);
          return;
        }
        if (this.stopping) {
          for (const item of batch) item.reject(new QueueStoppedError());
          return;
        }
        const delay = failure.retryAfterMs !== undefined ? Math.min(failure.retryAfterMs, this.retry.maxRetryAfterMs) : backoffDelay(attempt, this.retry.maxMs, this.retry.baseMs);
        this.logger?.warn(`${this.sink.kind}: batch ${batchId} of ${batch.length} events not delivered (attempt ${attempt}: ${failure.message}); next attempt in ${delay} ms`, 'AuditForwarding');
        await sleep(delay, this.abort.signal);
      }
    }
  }
}
