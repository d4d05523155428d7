import { DEFAULT_THROTTLE_BUDGETS } from '@ferry/migration/domain';
import { DEFAULT_LIMITS } from '@ferry/sandbox';
import { resolvePolicies } from './throttle-governor.options';

describe('throttle governor options', () => {
  it('default to the documented vendor limits, a kind given replacing its default', () => {
    const { policies } = resolvePolicies({ budgets: { 'imap.server': { concurrent: 8 } } });
    expect(policies['graph.mailbox'].budget).toEqual(DEFAULT_THROTTLE_BUDGETS['graph.mailbox']);
    expect(policies['graph.mailbox'].budget).toEqual({ rate: { count: 10_000, perSeconds: 600 }, concurrent: 4, uploadBytes: { bytes: 150 * 1024 * 1024, perSeconds: 300 } });
    expect(policies['gmail.user'].budget.rate).toEqual({ count: 15_000, perSeconds: 60 });
    expect(policies['imap.server'].budget).toEqual({ concurrent: 8 });
  });

  it('match the limits the sandbox enforces, both taken from the vendors\' documentation', () => {
    expect(DEFAULT_THROTTLE_BUDGETS['graph.mailbox']).toEqual(DEFAULT_LIMITS['graph.mailbox']);
    expect(DEFAULT_THROTTLE_BUDGETS['graph.tenant']).toEqual(DEFAULT_LIMITS['graph.app']);
    expect(DEFAULT_THROTTLE_BUDGETS['gmail.user']).toEqual(DEFAULT_LIMITS['gmail.user']);
    expect(DEFAULT_THROTTLE_BUDGETS['gmail.project']).toEqual(DEFAULT_LIMITS['gmail.project']);
  });

  it('hold leases 2% of the shortest budget period, between 1 and 5 seconds', () => {
    const { policies } = resolvePolicies({ budgets: { 'imap.server': { rate: { count: 10, perSeconds: 2 } } } });
    expect(policies['graph.mailbox'].leaseHoldMs).toBe(5000);
    expect(policies['gmail.user'].leaseHoldMs).toBe(1200);
    expect(policies['graph.tenant'].leaseHoldMs).toBe(1000);
    expect(policies['imap.server'].leaseHoldMs).toBe(1000);
    expect(resolvePolicies({ budgets: { 'imap.server': { rate: { count: 10, perSeconds: 2 } } }, tuning: { minLeaseHoldMs: 0 } }).policies['imap.server'].leaseHoldMs).toBe(40);
    expect(policies['imap.mailbox'].leaseHoldMs).toBe(5000);
  });

  it('refuse budgets and tunings that cannot be enforced', () => {
    expect(() => resolvePolicies({ budgets: { 'graph.mailbox': { concurrent: 0 } } })).toThrow(/concurrent/);
    expect(() => resolvePolicies({ budgets: { 'gmail.user': { rate: { count: 10, perSeconds: 0 } } } })).toThrow(/rate/);
    expect(() => resolvePolicies({ tuning: { burstFraction: 1 } })).toThrow(/burstFraction/);
    expect(() => resolvePolicies({ tuning: { holderTtlMs: Number.NaN } })).toThrow(/holderTtlMs/);
    expect(() => resolvePolicies({ tuning: { holderTtlMs: 100, minSyncIntervalMs: 250 } })).toThrow(/holderTtlMs/);
    expect(() => resolvePolicies({ tuning: { aimd: { decrease: 2, minFactor: 0.1, increasePerSecond: 0 } } })).toThrow(/AIMD/);
  });
});
