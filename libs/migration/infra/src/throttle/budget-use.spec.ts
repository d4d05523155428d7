import type { ThrottleScope } from '@ferry/migration/application';
import { DEFAULT_THROTTLE_BUDGETS } from '@ferry/migration/domain';
import { MemoryScopeLedgerStore } from './memory-scope-ledger.store';
import { SharedThrottleGovernor } from './shared-throttle.governor';
import { SimulatedVendor } from './testing/simulated-vendor';
import { ThrottleLoad } from './testing/throttle-load';

const mailbox: ThrottleScope = { vendor: 'graph', tenantKey: 'connector-1', mailboxKey: 'pseudo-1' };
const graph = DEFAULT_THROTTLE_BUDGETS['graph.mailbox'];

/**
 * Four workers, eight requests each at a time, against a vendor enforcing Graph's documented
 * per-mailbox limits with 50 ms latency, in simulated time (benchmark 2 for one mailbox, without HTTP).
 */
async function run(messageBytes: number, minutes: number) {
  const vendor = new SimulatedVendor(graph, 50);
  const store = new MemoryScopeLedgerStore();
  const governors = Array.from({ length: 4 }, (_, i) => new SharedThrottleGovernor(store, { workerId: `w${i}` }));
  const load = new ThrottleLoad();
  governors.forEach((g, i) => load.start(i, g, mailbox, { parallel: 8, holdMs: 0, cost: { requests: 1, uploadBytes: messageBytes }, send: () => vendor.send(messageBytes) }));
  // Past the first minute, where the burst was spent, the rate is what the governor sustains.
  await jest.advanceTimersByTimeAsync(60_000);
  const before = { bytes: vendor.bytes, admitted: vendor.admitted };
  await jest.advanceTimersByTimeAsync(minutes * 60_000);
  const sustained = { bytes: vendor.bytes - before.bytes, requests: vendor.admitted - before.admitted };
  const stopped = load.stop();
  await jest.advanceTimersByTimeAsync(5000);
  await stopped;
  await Promise.all(governors.map((g) => g.close()));
  const seconds = minutes * 60;
  return {
    uploadUse: sustained.bytes / ((graph.uploadBytes!.bytes * seconds) / graph.uploadBytes!.perSeconds),
    requestUse: sustained.requests / ((graph.rate!.count * seconds) / graph.rate!.perSeconds),
    throttled: vendor.throttled,
    maxInFlight: load.maxInFlight,
  };
}

describe('throttle governor budget use (simulated Graph mailbox)', () => {
  // Minutes of simulated time take a few seconds.
  jest.setTimeout(30_000);
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('uses at least 0.9 of the upload cap with 75 KB messages, with no request throttled', async () => {
    const use = await run(75 * 1024, 5);
    expect(use.uploadUse).toBeGreaterThanOrEqual(0.9);
    expect(use.uploadUse).toBeLessThanOrEqual(1);
    expect(use.throttled).toBe(0);
    expect(use.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('uses at least 0.9 of the request rate with small messages, with no request throttled', async () => {
    const use = await run(2 * 1024, 5);
    expect(use.requestUse).toBeGreaterThanOrEqual(0.9);
    expect(use.requestUse).toBeLessThanOrEqual(1);
    expect(use.throttled).toBe(0);
  });
});
