/**
 * A worker's recent demand on one budget, as an exponentially decaying sum: `sum * ln 2 / halfLife`
 * is the rate per ms, weighted toward the last half-life.
 */
export interface DemandEstimate {
  readonly sum: number;
  readonly at: number;
}

export const NO_DEMAND: DemandEstimate = { sum: 0, at: 0 };

/** Records `amount` asked for at `now`. */
export function observeDemand(estimate: DemandEstimate, amount: number, now: number, halfLifeMs: number): DemandEstimate {
  return { sum: decayed(estimate, now, halfLifeMs) + amount, at: Math.max(now, estimate.at) };
}

/** Units per ms the worker has been asking for lately. */
export function demandPerMs(estimate: DemandEstimate, now: number, halfLifeMs: number): number {
  return (decayed(estimate, now, halfLifeMs) * Math.LN2) / halfLifeMs;
}

function decayed(estimate: DemandEstimate, now: number, halfLifeMs: number): number {
  return estimate.sum * 0.5 ** (Math.max(0, now - estimate.at) / halfLifeMs);
}

/**
 * How much to take in one sync: `need` (what the waiting request lacks) plus what this worker will
 * spend within `holdMs` at its recent demand, capped at the bucket's capacity. Bigger leases mean
 * fewer shared writes; the hold keeps them from idling (unspent tokens go back after it).
 */
export function leaseWant(need: number, perMs: number, holdMs: number, capacity: number): number {
  return Math.max(need, Math.min(capacity, Math.ceil(perMs * holdMs)));
}

/**
 * When the shared bucket is short, how much to wait for before the next sync: what refills in
 * `minSyncIntervalMs`, so an overloaded scope costs one shared write per batch rather than per
 * request, but at most half the capacity, so the bucket never sits full (and wastes refill) while
 * workers wait for it.
 */
export function leaseBatch(need: number, refillPerMs: number, minSyncIntervalMs: number, capacity: number): number {
  return Math.max(need, Math.min(capacity / 2, refillPerMs * minSyncIntervalMs));
}
