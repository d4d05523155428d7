import { HashingBusyError } from '@ferry/identity/application';

/** Bounds of a FairHashingGate. */
export interface FairHashingGateOptions {
  /** Tasks running at once; default 2. */
  readonly concurrency?: number;
  /** Tasks waiting per key; a further one is refused at once. Default 2. */
  readonly maxWaitingPerKey?: number;
  /** Tasks waiting in all; a further one is refused at once. Default 32. */
  readonly maxWaiting?: number;
  /** How long a task may wait for a lane before it is dropped; default 3 s (under the gateway's 5 s RPC timeout). */
  readonly waitDeadlineMs?: number;
}

interface Waiter {
  readonly key: string;
  readonly start: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Bounds concurrent tasks (argon2 hashes) and shares the lanes fairly among keys (source addresses):
 * each key has its own first-come queue and the queues are served in turn, so a key with many tasks
 * waiting delays another key's task by at most one turn. Queues are bounded per key and in total,
 * and a task that cannot start before its deadline is dropped: refusals raise HashingBusyError at
 * once and never run the task, so a flood costs memory and time only up to the bounds.
 */
export class FairHashingGate {
  readonly concurrency: number;
  readonly maxWaitingPerKey: number;
  readonly maxWaiting: number;
  readonly waitDeadlineMs: number;
  private active = 0;
  private queued = 0;
  // A Map iterates in insertion order: the first key is next; a served key with more waiting moves to the end.
  private readonly queues = new Map<string, Waiter[]>();

  constructor(options: FairHashingGateOptions = {}) {
    this.concurrency = bound('concurrency', options.concurrency ?? 2, 1);
    this.maxWaitingPerKey = bound('maxWaitingPerKey', options.maxWaitingPerKey ?? 2, 0);
    this.maxWaiting = bound('maxWaiting', options.maxWaiting ?? 32, 0);
    this.waitDeadlineMs = bound('waitDeadlineMs', options.waitDeadlineMs ?? 3000, 1);
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting now, over all keys. */
  get waiting(): number {
    return this.queued;
  }

  /** Runs `task` when a lane is free and it is `key`'s turn, or raises HashingBusyError without running it. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency && this.queued === 0) this.active += 1;
    else await this.enqueue(key);
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.dispatch();
    }
  }

  private enqueue(key: string): Promise<void> {
    const queue = this.queues.get(key) ?? [];
    if (queue.length >= this.maxWaitingPerKey) return Promise.reject(new HashingBusyError('key-queue-full'));
    if (this.queued >= this.maxWaiting) return Promise.reject(new HashingBusyError('queue-full'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        start: resolve,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(new HashingBusyError('deadline'));
        }, this.waitDeadlineMs),
      };
      // A waiting sign-in must not keep a stopping process alive.
      waiter.timer.unref();
      queue.push(waiter);
      if (!this.queues.has(key)) this.queues.set(key, queue);
      this.queued += 1;
    });
  }

  /** Starts waiters, one per key in turn, while lanes are free. */
  private dispatch(): void {
    while (this.active < this.concurrency) {
      const next = this.queues.entries().next();
      if (next.done) return;
      const [key, queue] = next.value;
      const waiter = queue.shift();
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      if (!waiter) continue;
      clearTimeout(waiter.timer);
      this.queued -= 1;
      this.active += 1;
      waiter.start();
    }
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues.get(waiter.key);
    const at = queue?.indexOf(waiter) ?? -1;
    if (!queue || at < 0) return;
    queue.splice(at, 1);
    this.queued -= 1;
    if (queue.length === 0) this.queues.delete(waiter.key);
  }
}

function bound(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`hashing gate ${name} must be an integer of at least ${min}`);
  return value;
}
