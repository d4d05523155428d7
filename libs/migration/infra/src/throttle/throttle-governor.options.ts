import {
  type AimdParams,
  assertValidAimd,
  assertValidBudget,
  DEFAULT_AIMD,
  DEFAULT_THROTTLE_BUDGETS,
  type ScopeBudget,
  type ScopePolicy,
  type ThrottleScopeKind,
} from '@ferry/migration/domain';
import type { ThrottleMetrics } from './throttle-metrics';

/** How the governor trades shared-store writes for precision; the defaults suit production limits. */
export interface ThrottleTuning {
  /** Burst capacity of each rate, as a fraction of its count (the rest refills over the period). */
  readonly burstFraction: number;
  /**
   * How long leased tokens may wait to be spent (then they go back); leases are sized to what the
   * demand spends in that time, so a longer hold means fewer shared writes. The refill gives up
   * hold / (period + hold) of a budget to keep every window within it, so a scope's hold is
   * `holdFraction` of its shortest budget period, within [minLeaseHoldMs, leaseHoldMs].
   */
  readonly leaseHoldMs: number;
  readonly minLeaseHoldMs: number;
  readonly holdFraction: number;
  /** When a bucket is short, wait for this long's refill before syncing again (one write per batch). */
  readonly minSyncIntervalMs: number;
  /** Half-life of the demand estimate that sizes leases. */
  readonly demandHalfLifeMs: number;
  /** A worker's share of a concurrency window is leased for this long and renewed every third of it. */
  readonly holderTtlMs: number;
  /** Extra time before a dead worker's share is reclaimed (clock skew between workers). */
  readonly holderGraceMs: number;
  /** A scope unused this long gives its share and leases back. */
  readonly idleReleaseMs: number;
  /** A scope unused this long stops watching the shared store. */
  readonly disposeAfterMs: number;
  /** Retry-After values above this are cut to it (a broken answer must not stop a mailbox for days). */
  readonly maxBlockMs: number;
  /** Shared-store failures are retried after a jittered delay growing from base to max. */
  readonly storeRetryBaseMs: number;
  readonly storeRetryMaxMs: number;
  readonly aimd: AimdParams;
}

export const DEFAULT_THROTTLE_TUNING: ThrottleTuning = {
  burstFraction: 0.03,
  leaseHoldMs: 5000,
  minLeaseHoldMs: 1000,
  holdFraction: 0.02,
  minSyncIntervalMs: 250,
  demandHalfLifeMs: 1000,
  holderTtlMs: 15_000,
  holderGraceMs: 1000,
  idleReleaseMs: 2000,
  disposeAfterMs: 60_000,
  maxBlockMs: 30 * 60_000,
  storeRetryBaseMs: 100,
  storeRetryMaxMs: 5000,
  aimd: DEFAULT_AIMD,
};

/** Where the governor logs (no scope keys, no addresses: store failures and recoveries only). */
export interface ThrottleLogger {
  warn(message: string): void;
  log(message: string): void;
}

export interface ThrottleGovernorOptions {
  /** Budgets per scope kind; a kind given here replaces its default entirely. */
  readonly budgets?: Partial<Record<ThrottleScopeKind, ScopeBudget>>;
  readonly tuning?: Partial<ThrottleTuning>;
  readonly metrics?: ThrottleMetrics;
  readonly logger?: ThrottleLogger;
  /** Clock (ms since the epoch); workers' clocks are assumed NTP-synchronised. */
  readonly now?: () => number;
  /** This worker's id in the shared state; random by default. */
  readonly workerId?: string;
}

/** The policy of every scope kind, validated: throws on a budget or tuning that cannot be enforced. */
export function resolvePolicies(options: ThrottleGovernorOptions): { tuning: ThrottleTuning; policies: Record<ThrottleScopeKind, ScopePolicy> } {
  const tuning: ThrottleTuning = { ...DEFAULT_THROTTLE_TUNING, ...options.tuning, aimd: { ...DEFAULT_AIMD, ...options.tuning?.aimd } };
  assertValidAimd(tuning.aimd);
  if (!(tuning.burstFraction > 0 && tuning.burstFraction < 1)) throw new Error('throttle tuning: burstFraction must be in (0, 1)');
  if (!(tuning.holdFraction > 0 && tuning.holdFraction < 1)) throw new Error('throttle tuning: holdFraction must be in (0, 1)');
  for (const [name, value] of Object.entries(tuning)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) throw new Error(`throttle tuning: ${name} must be a finite number >= 0`);
  }
  if (tuning.holderTtlMs < 3 * tuning.minSyncIntervalMs) throw new Error('throttle tuning: holderTtlMs must be at least 3 sync intervals');
  const budgets = { ...DEFAULT_THROTTLE_BUDGETS, ...options.budgets };
  const policies = {} as Record<ThrottleScopeKind, ScopePolicy>;
  for (const kind of Object.keys(budgets) as ThrottleScopeKind[]) {
    const budget = budgets[kind];
    assertValidBudget(kind, budget);
    const periods = [budget.rate?.perSeconds, budget.uploadBytes?.perSeconds].filter((p): p is number => p !== undefined);
    policies[kind] = {
      budget,
      burstFraction: tuning.burstFraction,
      leaseHoldMs: Math.min(tuning.leaseHoldMs, Math.max(tuning.minLeaseHoldMs, Math.min(...periods) * 1000 * tuning.holdFraction)),
      aimd: tuning.aimd,
      holderTtlMs: tuning.holderTtlMs,
      holderGraceMs: tuning.holderGraceMs,
      maxBlockMs: tuning.maxBlockMs,
    };
  }
  return { tuning, policies };
}
