import type { ScopePolicy } from '@ferry/migration/domain';
import { DEFAULT_AIMD, NO_DEMAND } from '@ferry/migration/domain';
import { type AgentSnapshot, settleRequest } from './settle-request';
import { DEFAULT_THROTTLE_TUNING } from './throttle-governor.options';

const policy: ScopePolicy = {
  budget: { rate: { count: 100, perSeconds: 10 }, concurrent: 4 },
  burstFraction: 0.1,
  leaseHoldMs: 100,
  aimd: DEFAULT_AIMD,
  holderTtlMs: 1000,
  holderGraceMs: 100,
  maxBlockMs: 60_000,
};

const base: AgentSnapshot = {
  worker: 'w1',
  ledger: undefined,
  waiting: [{ units: 2, bytes: 0 }, { units: 3, bytes: 0 }],
  tokens: 1,
  bytes: 0,
  giveBackTokens: 0,
  giveBackBytes: 0,
  rateDemand: NO_DEMAND,
  uploadDemand: NO_DEMAND,
  blockedUntil: 0,
  inFlight: 1,
  held: 2,
  slotLimit: 2,
  idle: false,
  renewAt: 5000,
  throttles: [],
};

describe('settle request', () => {
  it('asks for what the first waiting request lacks and a lease for the queue behind it', () => {
    const req = settleRequest(base, policy, DEFAULT_THROTTLE_TUNING, 1000);
    expect(req.rate).toEqual({ need: 1, want: 4, giveBack: 0 });
    expect(req.slots).toEqual({ inFlight: 2, want: 3, keep: true });
    expect(req.renew).toBe(false);
  });

  it('takes no tokens while the scope is blocked: they would lapse unspent', () => {
    expect(settleRequest({ ...base, blockedUntil: 2000 }, policy, DEFAULT_THROTTLE_TUNING, 1000).rate.need).toBe(0);
  });

  it('gives everything back when idle, and renews a share when due', () => {
    const req = settleRequest({ ...base, waiting: [], inFlight: 0, idle: true, giveBackTokens: 3 }, policy, DEFAULT_THROTTLE_TUNING, 6000);
    expect(req.slots).toEqual({ inFlight: 0, want: 0, keep: false });
    expect(req.rate.giveBack).toBe(3);
    expect(req.renew).toBe(true);
  });

  it('reports several throttled answers as one: the longest Retry-After, the latest epoch', () => {
    const req = settleRequest({ ...base, throttles: [{ retryAfterMs: 500, epoch: 2 }, { retryAfterMs: null, epoch: 3 }, { retryAfterMs: 2000, epoch: 2 }] }, policy, DEFAULT_THROTTLE_TUNING, 1000);
    expect(req.throttled).toEqual({ retryAfterMs: 2000, epoch: 3 });
    expect(settleRequest({ ...base, throttles: [{ retryAfterMs: null, epoch: 1 }] }, policy, DEFAULT_THROTTLE_TUNING, 1000).throttled).toEqual({ retryAfterMs: null, epoch: 1 });
  });
});
