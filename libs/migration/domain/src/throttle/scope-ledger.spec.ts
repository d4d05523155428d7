import { DEFAULT_AIMD } from './aimd';
import { NO_ASK, type ScopeLedger, type ScopePolicy, type SettleRequest, settle, slotView } from './scope-ledger';

const policy: ScopePolicy = {
  budget: { rate: { count: 100, perSeconds: 10 }, concurrent: 4, uploadBytes: { bytes: 1000, perSeconds: 10 } },
  burstFraction: 0.1,
  leaseHoldMs: 0,
  aimd: DEFAULT_AIMD,
  holderTtlMs: 1000,
  holderGraceMs: 100,
  maxBlockMs: 60_000,
};

function ask(worker: string, now: number, over: Partial<SettleRequest> = {}): SettleRequest {
  return { worker, now, rate: NO_ASK, upload: NO_ASK, slots: { inFlight: 0, want: 0, keep: true }, renew: false, ...over };
}

describe('scope ledger', () => {
  it('starts a scope with full buckets and grants a lease from them', () => {
    const s = settle(null, ask('a', 0, { rate: { need: 1, want: 4, giveBack: 0 }, upload: { need: 50, want: 50, giveBack: 0 } }), policy);
    expect(s.changed).toBe(true);
    expect(s.tokens).toBe(4);
    expect(s.bytes).toBe(50);
    expect(s.ledger.rate?.tokens).toBe(6);
    expect(s.ledger.upload?.tokens).toBe(50);
  });

  it('asks for no write when a sync changes nothing', () => {
    const first = settle(null, ask('a', 0), policy);
    const again = settle(first.ledger, ask('a', 500), policy);
    expect(again.changed).toBe(false);
    const short = settle({ ...first.ledger, rate: { tokens: 0, at: 500 } }, ask('a', 500, { rate: { need: 1, want: 1, giveBack: 0 } }), policy);
    expect(short.tokens).toBe(0);
    expect(short.changed).toBe(false);
  });

  it('blocks everyone until the longest Retry-After, cut at the maximum block', () => {
    const base = settle(null, ask('a', 0), policy).ledger;
    const blocked = settle(base, ask('a', 1000, { throttled: { retryAfterMs: 5000, epoch: 0 } }), policy);
    expect(blocked.blockedUntil).toBe(6000);
    const shorter = settle(blocked.ledger, ask('b', 2000, { throttled: { retryAfterMs: 1000, epoch: 1 } }), policy);
    expect(shorter.blockedUntil).toBe(6000);
    const huge = settle(base, ask('a', 0, { throttled: { retryAfterMs: 1e12, epoch: 0 } }), policy);
    expect(huge.blockedUntil).toBe(60_000);
  });

  it('decreases the factor once for a burst of throttled answers and narrows the window with it', () => {
    const base = settle(null, ask('a', 0), policy).ledger;
    const first = settle(base, ask('a', 0, { throttled: { retryAfterMs: null, epoch: 0 } }), policy);
    const second = settle(first.ledger, ask('b', 0, { throttled: { retryAfterMs: null, epoch: 0 } }), policy);
    expect(first.factor).toBe(0.5);
    expect(second.factor).toBe(0.5);
    expect(second.epoch).toBe(1);
    expect(slotView(second.ledger, policy, 'a', 0)?.window).toBe(2);
    const slower = settle(second.ledger, ask('a', 0, { rate: { need: 0, want: 0, giveBack: 0 } }), policy);
    expect(slower.factor).toBe(0.5);
  });

  it('grows a worker into free slots and shrinks it to its fair share when another worker waits', () => {
    const a = settle(null, ask('a', 0, { slots: { inFlight: 0, want: 4, keep: true } }), policy);
    expect(a.slots).toBe(4);
    const b = settle(a.ledger, ask('b', 10, { slots: { inFlight: 0, want: 4, keep: true } }), policy);
    expect(b.slots).toBe(0);
    expect(b.changed).toBe(true);
    expect(slotView(b.ledger, policy, 'a', 10)).toMatchObject({ othersShort: true, fair: 2, held: 4 });
    const aShrinks = settle(b.ledger, ask('a', 20, { slots: { inFlight: 3, want: 4, keep: true } }), policy);
    expect(aShrinks.slots).toBe(3);
    expect(aShrinks.slotLimit).toBe(2);
    const bGrows = settle(aShrinks.ledger, ask('b', 30, { slots: { inFlight: 0, want: 4, keep: true } }), policy);
    expect(bGrows.slots).toBe(1);
  });

  it('keeps slots while nobody else needs them and gives them all back when told', () => {
    const a = settle(null, ask('a', 0, { slots: { inFlight: 0, want: 4, keep: true } }), policy);
    const quiet = settle(a.ledger, ask('a', 10, { slots: { inFlight: 1, want: 1, keep: true } }), policy);
    expect(quiet.slots).toBe(4);
    const leave = settle(quiet.ledger, ask('a', 20, { slots: { inFlight: 0, want: 0, keep: false } }), policy);
    expect(leave.slots).toBe(0);
    expect(leave.ledger.holders).toEqual({});
  });

  it("gives a dead worker's slots to others once its lease and the grace have passed", () => {
    const dead = settle(null, ask('dead', 0, { slots: { inFlight: 4, want: 4, keep: true } }), policy).ledger;
    expect(settle(dead, ask('b', 1099, { slots: { inFlight: 0, want: 4, keep: true } }), policy).slots).toBe(0);
    const after = settle(dead, ask('b', 1100, { slots: { inFlight: 0, want: 4, keep: true } }), policy);
    expect(after.slots).toBe(4);
    expect(Object.keys(after.ledger.holders)).toEqual(['b']);
  });

  it('grows a share only into free slots, so the shares never add up to more than the window', () => {
    let ledger: ScopeLedger | null = null;
    const inFlight: Record<string, number> = { a: 0, b: 0, c: 0 };
    const limit: Record<string, number> = { a: 0, b: 0, c: 0 };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let grew = 0;
    for (let step = 0; step < 3000; step++) {
      const now = step * 5;
      const id = ['a', 'b', 'c'][Math.floor(random() * 3)] ?? 'a';
      // Start requests only within the share, finish them at random, then sync.
      if (random() < 0.5 && inFlight[id]! < limit[id]!) inFlight[id]!++;
      else if (inFlight[id]! > 0) inFlight[id]!--;
      const throttled = random() < 0.01 ? { retryAfterMs: null, epoch: ledger?.aimd.epoch ?? 0 } : undefined;
      const before = ledger?.holders[id]?.slots ?? 0;
      const s = settle(ledger, ask(id, now, { slots: { inFlight: inFlight[id]!, want: Math.floor(random() * 5), keep: random() < 0.8 }, renew: true, ...(throttled ? { throttled } : {}) }), policy);
      ledger = s.ledger;
      limit[id] = s.slotLimit;
      expect(s.slots).toBeGreaterThanOrEqual(inFlight[id]!);
      expect(s.slotLimit).toBeLessThanOrEqual(s.slots);
      const total = Object.values(ledger.holders).reduce((sum, h) => sum + h.slots, 0);
      if (s.slots > before) {
        grew++;
        expect(total).toBeLessThanOrEqual(slotView(ledger, policy, id, now)?.window ?? 0);
      }
      expect(total).toBeLessThanOrEqual(4);
    }
    expect(grew).toBeGreaterThan(20);
  });
});
