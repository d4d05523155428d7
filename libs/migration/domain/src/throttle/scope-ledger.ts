import { type AimdParams, type AimdState, aimdFactor, aimdOnThrottle, concurrencyWindow, initialAimd } from './aimd';
import { maxMinShares } from './fair-share';
import type { ScopeBudget } from './throttle-budget';
import { type BucketLevel, type BucketShape, bucketShape, fullBucket, giveBack, takeLease } from './token-bucket';

/** One worker's share of a scope's concurrency window, leased until `until` (ms since the epoch). */
export interface SlotHolder {
  readonly slots: number;
  /** Slots it would like to hold; above `slots` means it is waiting for more. */
  readonly want: number;
  readonly until: number;
}

/**
 * The state every worker shares for one scope (one value in the shared store, written with
 * compare-and-set): the rate and upload buckets, the Retry-After block, the AIMD state, and who
 * holds which share of the concurrency window.
 */
export interface ScopeLedger {
  readonly rate?: BucketLevel;
  readonly upload?: BucketLevel;
  /** No request before this (ms since the epoch): the longest Retry-After anyone was given. */
  readonly blockedUntil: number;
  readonly aimd: AimdState;
  /** Worker id -> its share of the window. */
  readonly holders: Readonly<Record<string, SlotHolder>>;
}

/** How one scope is governed: its budget and the tuning of the laws. */
export interface ScopePolicy {
  readonly budget: ScopeBudget;
  /** Burst capacity as a fraction of each rate's count (see `bucketShape`). */
  readonly burstFraction: number;
  /** The longest a worker keeps leased tokens before spending or returning them. */
  readonly leaseHoldMs: number;
  readonly aimd: AimdParams;
  /** A slot lease not renewed within this is dead: its slots come back (after the grace). */
  readonly holderTtlMs: number;
  /** Extra time before a dead lease is reclaimed, for clock skew between workers. */
  readonly holderGraceMs: number;
  /** The longest Retry-After honoured as given; longer ones are cut to this. */
  readonly maxBlockMs: number;
}

/** What a worker asks of one budget in a sync. */
export interface BudgetAsk {
  /** What the first waiting request lacks: nothing is granted unless this much is there. */
  readonly need: number;
  /** How much to take if there is more (a lease for the coming requests). */
  readonly want: number;
  /** Unspent leased tokens returned. */
  readonly giveBack: number;
}

export const NO_ASK: BudgetAsk = { need: 0, want: 0, giveBack: 0 };

/** One worker's sync with a scope's ledger. */
export interface SettleRequest {
  readonly worker: string;
  readonly now: number;
  readonly rate: BudgetAsk;
  readonly upload: BudgetAsk;
  readonly slots: {
    readonly inFlight: number;
    /** Slots wanted now (in flight + waiting). */
    readonly want: number;
    /** Keep slots already held while nobody else needs them (false: give back all but those in flight). */
    readonly keep: boolean;
  };
  /** A throttled answer to a request sent under `epoch`. */
  readonly throttled?: { readonly retryAfterMs: number | null; readonly epoch: number };
  /** Renew the slot lease even if nothing else changed (heartbeat). */
  readonly renew: boolean;
}

/** The outcome of a sync: the ledger to write (when `changed`) and what the worker now holds. */
export interface Settlement {
  readonly ledger: ScopeLedger;
  /** False when nothing needs writing (no grant, no return, no report, same share). */
  readonly changed: boolean;
  readonly tokens: number;
  readonly bytes: number;
  /** Slots held after the sync (Infinity-free: 0 for a scope without a concurrency cap). */
  readonly slots: number;
  /** Start a request only while fewer than this are in flight (the worker's fair share). */
  readonly slotLimit: number;
  /** When this worker's slot lease ends unless renewed (0: it holds none). */
  readonly holderUntil: number;
  readonly blockedUntil: number;
  readonly epoch: number;
  readonly factor: number;
}

/** The shapes of a scope's buckets and its window at `now`. */
export interface ScopeShapes {
  readonly factor: number;
  readonly rate?: BucketShape;
  readonly upload?: BucketShape;
  /** Concurrency window, undefined when the scope has no cap. */
  readonly window?: number;
}

export function freshLedger(policy: ScopePolicy, now: number): ScopeLedger {
  const shapes = scopeShapes(undefined, policy, now);
  return {
    ...(shapes.rate ? { rate: fullBucket(shapes.rate, now) } : {}),
    ...(shapes.upload ? { upload: fullBucket(shapes.upload, now) } : {}),
    blockedUntil: 0,
    aimd: initialAimd(now),
    holders: {},
  };
}

export function scopeShapes(ledger: ScopeLedger | undefined, policy: ScopePolicy, now: number): ScopeShapes {
  const factor = ledger ? aimdFactor(ledger.aimd, policy.aimd, now) : 1;
  const { rate, uploadBytes, concurrent } = policy.budget;
  return {
    factor,
    ...(rate ? { rate: bucketShape(rate.count, rate.perSeconds, policy.burstFraction, policy.leaseHoldMs, factor) } : {}),
    ...(uploadBytes ? { upload: bucketShape(uploadBytes.bytes, uploadBytes.perSeconds, policy.burstFraction, policy.leaseHoldMs, factor) } : {}),
    ...(concurrent !== undefined ? { window: concurrencyWindow(concurrent, factor) } : {}),
  };
}

/** Holders whose lease (plus grace) has not run out. */
export function liveHolders(ledger: ScopeLedger, policy: ScopePolicy, now: number): Map<string, SlotHolder> {
  return new Map(Object.entries(ledger.holders).filter(([, h]) => h.until + policy.holderGraceMs > now));
}

/** The earliest moment a dead holder's slots come back (Infinity when none is held by another). */
export function nextHolderExpiry(ledger: ScopeLedger, policy: ScopePolicy, worker: string, now: number): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const [id, h] of liveHolders(ledger, policy, now)) {
    if (id !== worker && h.slots > 0) earliest = Math.min(earliest, h.until + policy.holderGraceMs);
  }
  return earliest;
}

/** How the window is shared at `now`, as one worker sees it from the ledger. */
export interface SlotView {
  readonly window: number;
  readonly held: number;
  /** Slots nobody holds. */
  readonly free: number;
  /** This worker's fair share given everyone's demand. */
  readonly fair: number;
  /** Another worker wants more than it holds. */
  readonly othersShort: boolean;
}

export function slotView(ledger: ScopeLedger, policy: ScopePolicy, worker: string, now: number): SlotView | undefined {
  const { window } = scopeShapes(ledger, policy, now);
  if (window === undefined) return undefined;
  const live = liveHolders(ledger, policy, now);
  const demands = new Map<string, number>();
  let total = 0;
  let othersShort = false;
  for (const [id, h] of live) {
    demands.set(id, Math.min(window, Math.max(h.want, h.slots)));
    total += h.slots;
    if (id !== worker && h.want > h.slots) othersShort = true;
  }
  const held = live.get(worker)?.slots ?? 0;
  const fair = live.has(worker) ? (maxMinShares(window, demands, shareRound(policy, now)).get(worker) ?? 0) : 0;
  return { window, held, free: window - total, fair, othersShort };
}

/**
 * One worker's sync with a scope's ledger: reports a throttled answer (Retry-After blocks everyone;
 * AIMD decreases once per epoch), returns unspent tokens, takes leases on the buckets, and resizes
 * the worker's share of the concurrency window toward its max-min fair share (growing only into
 * free slots, shrinking only to what it has in flight). Pure: the caller writes the ledger with
 * compare-and-set and calls again on a conflict.
 */
export function settle(current: ScopeLedger | null, req: SettleRequest, policy: ScopePolicy): Settlement {
  const { now } = req;
  const base = current ?? freshLedger(policy, now);
  let changed = current === null;

  let aimd = base.aimd;
  let blockedUntil = base.blockedUntil;
  if (req.throttled) {
    aimd = aimdOnThrottle(base.aimd, policy.aimd, now, req.throttled.epoch);
    if (req.throttled.retryAfterMs !== null) {
      blockedUntil = Math.max(blockedUntil, now + Math.min(Math.max(0, req.throttled.retryAfterMs), policy.maxBlockMs));
    }
    changed ||= aimd !== base.aimd || blockedUntil !== base.blockedUntil;
  }
  const shapes = scopeShapes({ ...base, aimd }, policy, now);

  const rate = settleBucket(base.rate, shapes.rate, req.rate, now);
  const upload = settleBucket(base.upload, shapes.upload, req.upload, now);
  changed ||= rate.changed || upload.changed;

  const slots = settleSlots({ ...base, aimd }, shapes.window, req, policy);
  changed ||= slots.changed;

  const holders = changed ? Object.fromEntries([...liveHolders({ ...base, holders: slots.holders }, policy, now)]) : slots.holders;
  return {
    ledger: {
      ...(rate.level ? { rate: rate.level } : {}),
      ...(upload.level ? { upload: upload.level } : {}),
      blockedUntil,
      aimd,
      holders,
    },
    changed,
    tokens: rate.granted,
    bytes: upload.granted,
    slots: slots.held,
    slotLimit: slots.limit,
    holderUntil: slots.until,
    blockedUntil,
    epoch: aimd.epoch,
    factor: shapes.factor,
  };
}

function settleBucket(level: BucketLevel | undefined, shape: BucketShape | undefined, ask: BudgetAsk, now: number) {
  if (!shape) return { level: undefined, granted: 0, changed: false };
  const returned = giveBack(level ?? fullBucket(shape, now), shape, ask.giveBack, now);
  const taken = takeLease(returned, shape, ask.need, Math.max(ask.need, ask.want), now);
  return { level: taken.level, granted: taken.granted, changed: ask.giveBack > 0 || taken.granted > 0 };
}

function settleSlots(ledger: ScopeLedger, window: number | undefined, req: SettleRequest, policy: ScopePolicy) {
  const { now, worker } = req;
  if (window === undefined) return { holders: {}, held: 0, limit: Number.POSITIVE_INFINITY, until: 0, changed: false };
  const live = liveHolders(ledger, policy, now);
  const mine = live.get(worker);
  const myHeld = mine?.slots ?? 0;
  const { inFlight } = req.slots;
  const demand = Math.min(window, Math.max(req.slots.want, inFlight, req.slots.keep ? myHeld : 0));

  const demands = new Map<string, number>();
  let othersHeld = 0;
  for (const [id, h] of live) {
    if (id === worker) continue;
    demands.set(id, Math.min(window, Math.max(h.want, h.slots)));
    othersHeld += h.slots;
  }
  demands.set(worker, demand);
  const fair = maxMinShares(window, demands, shareRound(policy, now)).get(worker) ?? 0;
  const free = Math.max(0, window - othersHeld - myHeld);
  const target = myHeld > fair ? fair : Math.min(fair, myHeld + free);
  const held = Math.max(inFlight, target);

  const holders: Record<string, SlotHolder> = { ...ledger.holders };
  let until = 0;
  let changed: boolean;
  if (held === 0 && demand === 0) {
    changed = worker in ledger.holders;
    delete holders[worker];
  } else {
    const renew = req.renew || !mine || mine.slots !== held || mine.want !== demand;
    until = renew ? now + policy.holderTtlMs : mine.until;
    holders[worker] = { slots: held, want: demand, until };
    changed = renew;
  }
  return { holders, held, limit: Math.min(held, fair), until, changed };
}

/** The round that decides who gets slots that do not divide evenly: it moves on every lease period. */
function shareRound(policy: ScopePolicy, now: number): number {
  return Math.floor(now / policy.holderTtlMs);
}
