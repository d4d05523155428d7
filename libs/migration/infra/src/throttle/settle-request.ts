import {
  type BudgetAsk,
  type DemandEstimate,
  demandPerMs,
  leaseWant,
  NO_ASK,
  type ScopeLedger,
  type ScopePolicy,
  scopeShapes,
  type SettleRequest,
} from '@ferry/migration/domain';
import type { ThrottleTuning } from './throttle-governor.options';

/** What a scope agent knows at the moment it syncs. */
export interface AgentSnapshot {
  readonly worker: string;
  readonly ledger: ScopeLedger | undefined;
  /** Waiting requests in order: their units of the rate and bytes of the upload budget. */
  readonly waiting: readonly { readonly units: number; readonly bytes: number }[];
  readonly tokens: number;
  readonly bytes: number;
  readonly giveBackTokens: number;
  readonly giveBackBytes: number;
  readonly rateDemand: DemandEstimate;
  readonly uploadDemand: DemandEstimate;
  readonly blockedUntil: number;
  readonly inFlight: number;
  readonly held: number;
  readonly slotLimit: number;
  /** Nothing waiting or in flight for a while: give everything back. */
  readonly idle: boolean;
  readonly renewAt: number;
  readonly throttles: readonly { readonly retryAfterMs: number | null; readonly epoch: number }[];
}

/**
 * What an agent asks of the ledger: for each budget what the first waiting request lacks plus a
 * lease for the recent demand (nothing while the scope is blocked: it would lapse unspent), its
 * returned tokens, its slots, and the throttled answers it has not reported yet.
 */
export function settleRequest(a: AgentSnapshot, policy: ScopePolicy, tuning: ThrottleTuning, now: number): SettleRequest {
  const head = a.waiting[0];
  const shapes = scopeShapes(a.ledger, policy, now);
  const open = head !== undefined && now >= a.blockedUntil;
  const ask = (capacity: number | undefined, have: number, pick: (w: { units: number; bytes: number }) => number, demand: DemandEstimate, back: number): BudgetAsk => {
    if (capacity === undefined) return NO_ASK;
    const need = open && head ? Math.max(0, pick(head) - have) : 0;
    if (need <= 0) return { need: 0, want: 0, giveBack: back };
    const queued = a.waiting.reduce((sum, w) => sum + pick(w), 0);
    const want = Math.max(leaseWant(need, demandPerMs(demand, now, tuning.demandHalfLifeMs), policy.leaseHoldMs, capacity), Math.min(capacity, queued - have));
    return { need, want, giveBack: back };
  };
  const throttled = merged(a.throttles);
  return {
    worker: a.worker,
    now,
    rate: ask(shapes.rate?.capacity, a.tokens, (w) => w.units, a.rateDemand, a.giveBackTokens),
    upload: ask(shapes.upload?.capacity, a.bytes, (w) => w.bytes, a.uploadDemand, a.giveBackBytes),
    slots: {
      // Admissions while this sync is out stay within what it reports as in use.
      inFlight: a.idle ? a.inFlight : Math.max(a.inFlight, Math.min(a.held, a.slotLimit)),
      want: Math.min(shapes.window ?? 0, a.inFlight + a.waiting.length),
      keep: !a.idle,
    },
    ...(throttled ? { throttled } : {}),
    renew: now >= a.renewAt,
  };
}

/** Several throttled answers in one report: the longest Retry-After, and the latest epoch (one decrease at most). */
function merged(throttles: AgentSnapshot['throttles']): SettleRequest['throttled'] {
  if (throttles.length === 0) return undefined;
  const waits = throttles.map((t) => t.retryAfterMs).filter((w): w is number => w !== null);
  return { retryAfterMs: waits.length > 0 ? Math.max(...waits) : null, epoch: Math.max(...throttles.map((t) => t.epoch)) };
}
