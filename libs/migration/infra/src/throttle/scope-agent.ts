import {
  type BucketLevel,
  type BucketShape,
  type DemandEstimate,
  leaseBatch,
  msUntilAvailable,
  NO_DEMAND,
  nextHolderExpiry,
  observeDemand,
  type ScopePolicy,
  scopeShapes,
  type SettleRequest,
  type Settlement,
  settle,
  slotView,
} from '@ferry/migration/domain';
import { abortReason } from './abort-reason';
import type { LedgerEntry, ScopeLedgerStore } from './scope-ledger.store';
import { settleRequest } from './settle-request';
import type { ThrottleLogger, ThrottleTuning } from './throttle-governor.options';

const MAX_SLEEP_MS = 60_000;

/** A request admitted by one scope; release it once. */
export interface ScopeGrant {
  /** The AIMD epoch the request was sent under. */
  readonly epoch: number;
  /** `used: false` when the request was never sent (its tokens come back). */
  release(used: boolean, throttled?: { readonly retryAfterMs: number | null }): void;
}

interface Waiter {
  readonly units: number;
  readonly bytes: number;
  readonly resolve: (grant: ScopeGrant) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

export interface ScopeAgentDeps {
  readonly key: string;
  readonly worker: string;
  readonly policy: ScopePolicy;
  readonly tuning: ThrottleTuning;
  readonly store: ScopeLedgerStore;
  readonly now: () => number;
  readonly logger?: ThrottleLogger;
  /** Called when the agent has been idle long enough to be dropped. */
  readonly onIdle: (agent: ScopeAgent) => void;
}

/**
 * This worker's side of one scope: admits requests from local leases (tokens, bytes, a share of the
 * concurrency window) in O(1), and syncs with the shared ledger only to take a new lease, give one
 * back, renew its share, or report a throttled answer. One sync at a time; every wait is a timer or
 * a watch event, never a poll.
 */
export class ScopeAgent {
  private entry: LedgerEntry | null | undefined;
  private tokens = 0;
  private bytes = 0;
  private leaseUntil = 0;
  private giveBackTokens = 0;
  private giveBackBytes = 0;
  private held = 0;
  private slotLimit = 0;
  private holderUntil = 0;
  private recordedWant = 0;
  private othersShort = false;
  private inFlight = 0;
  /** While a sync is out, admissions stay within what it reported as in use. */
  private reserved = Number.POSITIVE_INFINITY;
  private blockedUntil = 0;
  private epoch = 0;
  private throttles: { retryAfterMs: number | null; epoch: number }[] = [];
  private rateDemand: DemandEstimate = NO_DEMAND;
  private uploadDemand: DemandEstimate = NO_DEMAND;
  private readonly waiters: Waiter[] = [];
  private lastActive: number;
  private syncing: Promise<void> | undefined;
  private failures = 0;
  /** After a sync that changed nothing, the next waits this long: a guard against any sync loop. */
  private quietUntil = 0;
  /** Place in the jitter range, drawn anew after each sync (fixed between, so re-planning does not move the wake-up). */
  private jitter = Math.random();
  private retryAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private watching: Promise<{ stop(): void } | undefined> | undefined;
  private closed = false;
  private closing = false;

  constructor(private readonly deps: ScopeAgentDeps) {
    this.lastActive = deps.now();
    this.watching = deps.store
      .watch(deps.key, (entry) => this.onWatch(entry))
      .catch(() => undefined);
  }

  /** Waits for this scope's part of a request: `units` of its rate, `bytes` of its upload budget, one slot. */
  acquire(units: number, bytes: number, signal: AbortSignal): Promise<ScopeGrant> {
    if (this.closed) return Promise.reject(new Error('throttle governor closed'));
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const now = this.deps.now();
    const half = this.deps.tuning.demandHalfLifeMs;
    this.rateDemand = observeDemand(this.rateDemand, units, now, half);
    if (bytes > 0) this.uploadDemand = observeDemand(this.uploadDemand, bytes, now, half);
    this.lastActive = now;
    return new Promise<ScopeGrant>((resolve, reject) => {
      const waiter: Waiter = {
        units: this.deps.policy.budget.rate ? units : 0,
        bytes: this.deps.policy.budget.uploadBytes ? bytes : 0,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(abortReason(signal));
          this.pump();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** No request of this scope may start before this (ms since the epoch). */
  get blockedUntilMs(): number {
    return this.blockedUntil;
  }

  /** Nothing waiting, in flight, held or leased: the agent can be dropped. */
  get isIdle(): boolean {
    return this.waiters.length === 0 && this.inFlight === 0 && this.held === 0 && this.recordedWant === 0 && this.tokens <= 0 && this.bytes <= 0 && this.giveBackTokens <= 0 && this.giveBackBytes <= 0 && this.throttles.length === 0;
  }

  /** Rejects waiters, gives everything back (best effort) and stops watching. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const w of this.waiters.splice(0)) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.reject(new Error('throttle governor closed'));
    }
    this.closing = true;
    this.lastActive = Number.NEGATIVE_INFINITY;
    this.expireLease(Number.POSITIVE_INFINITY);
    await this.syncing;
    if (!this.isIdle && this.failures === 0) await this.sync();
    this.closed = true;
    clearTimeout(this.timer);
    (await this.watching)?.stop();
  }

  private grant(units: number, bytes: number): ScopeGrant {
    const epoch = this.epoch;
    return {
      epoch,
      release: (used, throttled) => {
        this.inFlight--;
        const now = this.deps.now();
        this.lastActive = now;
        if (throttled) {
          const wait = throttled.retryAfterMs;
          if (wait !== null) this.blockedUntil = Math.max(this.blockedUntil, now + Math.min(Math.max(0, wait), this.deps.policy.maxBlockMs));
          this.throttles.push({ retryAfterMs: wait, epoch });
        }
        // An unsent request's tokens stay in the local lease (returned when the hold runs out).
        if (!used) {
          this.tokens += units;
          this.bytes += bytes;
        }
        this.pump();
      },
    };
  }

  /** Admits every waiter the local leases allow, in order, then decides whether to sync or sleep. */
  private pump(): void {
    if (this.closed) return;
    const now = this.deps.now();
    this.expireLease(now);
    while (this.waiters.length > 0) {
      const head = this.waiters[0] as Waiter;
      if (!this.canAdmit(head, now)) break;
      this.waiters.shift();
      head.signal.removeEventListener('abort', head.onAbort);
      this.tokens -= head.units;
      this.bytes -= head.bytes;
      this.inFlight++;
      this.lastActive = now;
      head.resolve(this.grant(head.units, head.bytes));
    }
    this.plan(now);
  }

  private hasSlots(): boolean {
    return this.deps.policy.budget.concurrent !== undefined;
  }

  private slotCeiling(): number {
    return Math.min(this.held, this.slotLimit, this.reserved);
  }

  private idleDue(now: number): boolean {
    return this.waiters.length === 0 && this.inFlight === 0 && now >= this.lastActive + this.deps.tuning.idleReleaseMs;
  }

  /** Shares are renewed a third of the way through their lease, so two renewals can fail before it lapses. */
  private renewAt(): number {
    return this.holderUntil - (2 * this.deps.tuning.holderTtlMs) / 3;
  }

  /** Past two thirds of the lease without a renewal: stop starting requests, another worker may soon reclaim it. */
  private leaseStale(now: number): boolean {
    return now >= this.holderUntil - this.deps.tuning.holderTtlMs / 3;
  }

  private canAdmit(w: Waiter, now: number): boolean {
    if (this.entry === undefined || now < this.blockedUntil) return false;
    if (this.hasSlots() && (this.inFlight >= this.slotCeiling() || this.leaseStale(now))) return false;
    return this.tokens >= w.units && this.bytes >= w.bytes;
  }

  private expireLease(now: number): void {
    if (now < this.leaseUntil) return;
    if (this.tokens > 0) this.giveBackTokens += this.tokens;
    if (this.bytes > 0) this.giveBackBytes += this.bytes;
    this.tokens = Math.min(this.tokens, 0);
    this.bytes = Math.min(this.bytes, 0);
  }

  /** Syncs now if something needs the shared ledger, else sleeps until the next thing that could change. */
  private plan(now: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.closing || this.syncing) return;
    if (this.failures > 0 && now < this.retryAt) return this.wakeAt(this.retryAt, now);
    let wake = Number.POSITIVE_INFINITY;
    const need = (reason: boolean, at: number) => {
      if (reason) wake = Math.min(wake, at);
    };
    if (this.throttles.length > 0) need(true, now);

    const head = this.waiters[0];
    const ledger = this.entry?.ledger ?? undefined;
    if (head) {
      if (this.entry === undefined) need(true, now);
      else if (now < this.blockedUntil) need(true, this.blockedUntil);
      else {
        const shapes = scopeShapes(ledger, this.deps.policy, now);
        if (shapes.rate && this.tokens < head.units) {
          const amount = leaseBatch(head.units - this.tokens, shapes.rate.refillPerMs, this.deps.tuning.minSyncIntervalMs, shapes.rate.capacity);
          need(true, ledger?.rate ? this.tokensAt(ledger.rate, shapes.rate, amount, now) : now);
        }
        if (shapes.upload && this.bytes < head.bytes) {
          const amount = leaseBatch(head.bytes - this.bytes, shapes.upload.refillPerMs, this.deps.tuning.minSyncIntervalMs, shapes.upload.capacity);
          need(true, ledger?.upload ? this.tokensAt(ledger.upload, shapes.upload, amount, now) : now);
        }
        if (this.hasSlots() && (this.inFlight >= this.slotCeiling() || this.leaseStale(now))) {
          const view = ledger ? slotView(ledger, this.deps.policy, this.deps.worker, now) : undefined;
          const desired = Math.min(shapes.window ?? 0, this.inFlight + this.waiters.length);
          // Worth a sync only if it can change something: free slots within the fair share, an
          // unregistered demand, a lapsing lease. Otherwise the watch says when slots come free.
          const gettable = !view || (view.free > 0 && view.held < view.fair) || this.recordedWant < desired || this.leaseStale(now);
          need(true, gettable ? now : ledger ? nextHolderExpiry(ledger, this.deps.policy, this.deps.worker, now) : now);
        }
      }
    }
    // Give back a share another worker is waiting for, as soon as this worker's requests allow.
    need(this.othersShort && this.held > Math.max(this.inFlight, this.slotLimit), now);
    // Renew a share (or a registered demand) before it lapses.
    need(this.held > 0 || this.recordedWant > 0, this.renewAt());
    // Hand everything back once the scope has been idle for a while; drop the agent later still.
    const quiet = this.waiters.length === 0 && this.inFlight === 0;
    if (quiet) {
      const releasable = this.held > 0 || this.recordedWant > 0 || this.tokens > 0 || this.bytes > 0 || this.giveBackTokens > 0 || this.giveBackBytes > 0;
      need(releasable, this.lastActive + this.deps.tuning.idleReleaseMs);
      if (!releasable && this.isIdle) {
        const disposeAt = this.lastActive + this.deps.tuning.disposeAfterMs;
        if (now >= disposeAt) return this.deps.onIdle(this);
        wake = Math.min(wake, disposeAt);
      }
    }
    // A throttled answer goes out at once: every other worker must hear of its Retry-After.
    if (wake <= now && (now >= this.quietUntil || this.throttles.length > 0)) {
      void this.sync();
      return;
    }
    this.wakeAt(Math.max(wake, this.quietUntil), now);
  }

  /**
   * When to sync for `amount` of a bucket: workers waiting on one bucket see the same ledger and would
   * all wake at once, one winning and the rest conflicting; a jitter of up to half a sync interval
   * lets the first one's write reach the others (by the watch) before they wake. The jitter never
   * runs past the moment the bucket is full: a full bucket's refill is lost, and a request larger
   * than the burst waits for exactly that moment (in the budget benchmark such waits lost ~4% of the
   * upload budget to the jitter).
   */
  private tokensAt(level: BucketLevel, shape: BucketShape, amount: number, now: number): number {
    const ms = msUntilAvailable(level, shape, amount, now);
    if (ms <= 0) return now;
    const full = msUntilAvailable(level, shape, shape.capacity, now);
    return now + Math.min(ms + Math.floor(this.jitter * this.deps.tuning.minSyncIntervalMs * 0.5), full);
  }

  private wakeAt(at: number, now: number): void {
    if (!Number.isFinite(at)) return;
    // Capped, so a far-off time (a skewed or corrupt lease) only means a re-plan a minute later.
    this.timer = setTimeout(() => this.pump(), Math.min(MAX_SLEEP_MS, Math.max(1, Math.ceil(at - now))));
    this.timer.unref?.();
  }

  /** One compare-and-set round with the shared ledger (re-read and re-settled on a conflict). */
  private sync(): Promise<void> {
    this.syncing ??= this.syncRound().finally(() => {
      this.syncing = undefined;
      this.reserved = Number.POSITIVE_INFINITY;
      this.pump();
    });
    return this.syncing;
  }

  private async syncRound(): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.entry === undefined) this.entry = await this.deps.store.read(this.deps.key);
        const now = this.deps.now();
        // Going idle hands back the whole lease, not only what outlived its hold.
        this.expireLease(this.idleDue(now) ? Number.POSITIVE_INFINITY : now);
        const req = this.request(now);
        const reported = this.throttles.length;
        const s = settle(this.entry?.ledger ?? null, req, this.deps.policy);
        this.reserved = req.slots.inFlight;
        if (!s.changed) {
          this.apply(s, req, reported, now);
          this.quietUntil = now + this.deps.tuning.minSyncIntervalMs;
          break;
        }
        const revision = await this.deps.store.write(this.deps.key, s.ledger, this.entry?.revision ?? null);
        if (revision !== null) {
          if (!this.entry || revision > this.entry.revision) this.entry = { ledger: s.ledger, revision };
          this.apply(s, req, reported, this.deps.now());
          break;
        }
        // Another worker wrote first: read its state and settle again (jittered after a few tries).
        this.entry = undefined;
        if (attempt >= 3) await new Promise((r) => setTimeout(r, Math.random() * this.deps.tuning.minSyncIntervalMs));
      }
      if (this.failures > 0) this.deps.logger?.log('throttle store reachable again');
      this.failures = 0;
      this.jitter = Math.random();
    } catch (err) {
      this.failures++;
      const base = this.deps.tuning.storeRetryBaseMs;
      this.retryAt = this.deps.now() + Math.random() * Math.min(this.deps.tuning.storeRetryMaxMs, base * 2 ** this.failures);
      this.entry = undefined;
      if (this.failures === 1) this.deps.logger?.warn(`throttle store unavailable (${(err as Error)?.name ?? 'error'}); requests wait`);
    }
  }

  private request(now: number): SettleRequest {
    return settleRequest(
      {
        worker: this.deps.worker,
        ledger: this.entry?.ledger ?? undefined,
        waiting: this.waiters,
        tokens: this.tokens,
        bytes: this.bytes,
        giveBackTokens: this.giveBackTokens,
        giveBackBytes: this.giveBackBytes,
        rateDemand: this.rateDemand,
        uploadDemand: this.uploadDemand,
        blockedUntil: this.blockedUntil,
        inFlight: this.inFlight,
        held: this.held,
        slotLimit: this.slotLimit,
        idle: this.idleDue(now),
        renewAt: this.renewAt(),
        throttles: this.throttles,
      },
      this.deps.policy,
      this.deps.tuning,
      now,
    );
  }

  private apply(s: Settlement, req: SettleRequest, reported: number, now: number): void {
    this.tokens += s.tokens;
    this.bytes += s.bytes;
    if (s.tokens > 0 || s.bytes > 0) this.leaseUntil = now + this.deps.policy.leaseHoldMs;
    this.giveBackTokens = Math.max(0, this.giveBackTokens - req.rate.giveBack);
    this.giveBackBytes = Math.max(0, this.giveBackBytes - req.upload.giveBack);
    // The reports this sync carried are in the ledger now (or changed nothing there).
    this.throttles.splice(0, reported);
    this.held = s.slots;
    this.slotLimit = this.hasSlots() ? s.slotLimit : Number.POSITIVE_INFINITY;
    this.holderUntil = s.holderUntil;
    this.recordedWant = s.ledger.holders[this.deps.worker]?.want ?? 0;
    this.blockedUntil = Math.max(this.blockedUntil, s.blockedUntil);
    this.epoch = Math.max(this.epoch, s.epoch);
    this.othersShort = slotView(s.ledger, this.deps.policy, this.deps.worker, now)?.othersShort ?? false;
  }

  /** Another worker wrote: learn its Retry-After, the window and who waits, without a read. */
  private onWatch(update: LedgerEntry | null): void {
    if (this.closed) return;
    if (update === null) {
      if (!this.syncing) this.entry = undefined;
      return;
    }
    if (this.entry && update.revision <= this.entry.revision) return;
    this.entry = update;
    const ledger = update.ledger;
    if (ledger) {
      const now = this.deps.now();
      this.blockedUntil = Math.max(this.blockedUntil, ledger.blockedUntil);
      this.epoch = Math.max(this.epoch, ledger.aimd.epoch);
      const view = slotView(ledger, this.deps.policy, this.deps.worker, now);
      if (view) {
        this.othersShort = view.othersShort;
        this.slotLimit = Math.min(this.held, view.fair);
      }
    }
    this.pump();
  }
}
