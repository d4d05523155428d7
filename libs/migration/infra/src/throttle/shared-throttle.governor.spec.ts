import type { ThrottleScope } from '@ferry/migration/application';
import type { ScopeLedger } from '@ferry/migration/domain';
import { MemoryScopeLedgerStore } from './memory-scope-ledger.store';
import { scopeStoreKey } from './scope-key';
import type { LedgerEntry, ScopeLedgerStore } from './scope-ledger.store';
import { SharedThrottleGovernor } from './shared-throttle.governor';
import type { ThrottleGovernorOptions } from './throttle-governor.options';
import type { ThrottleMetrics } from './throttle-metrics';
import { ThrottleLoad } from './testing/throttle-load';

const mailbox: ThrottleScope = { vendor: 'graph', tenantKey: 'connector-1', mailboxKey: 'pseudo-1' };
// Scaled down like the budgets: leases held 2% of a budget's period however short, a share lives 1 s.
const tuning = { holderTtlMs: 1000, holderGraceMs: 100, idleReleaseMs: 300, minSyncIntervalMs: 50, minLeaseHoldMs: 0 };

/** A store that can be cut off, as a worker that died or lost NATS. */
class SeveredStore implements ScopeLedgerStore {
  severed = false;
  constructor(private readonly inner: ScopeLedgerStore) {}
  read(key: string) {
    return this.severed ? Promise.reject(new Error('severed')) : this.inner.read(key);
  }
  write(key: string, ledger: ScopeLedger, revision: number | null) {
    return this.severed ? Promise.reject(new Error('severed')) : this.inner.write(key, ledger, revision);
  }
  watch(key: string, onChange: (entry: LedgerEntry | null) => void) {
    return this.inner.watch(key, (e) => {
      if (!this.severed) onChange(e);
    });
  }
}

function workers(count: number, store: ScopeLedgerStore, options: ThrottleGovernorOptions): SharedThrottleGovernor[] {
  return Array.from({ length: count }, (_, i) => new SharedThrottleGovernor(store, { workerId: `w${i}`, ...options, tuning: { ...tuning, ...options.tuning } }));
}

/** Stops a load under fake timers: requests in flight finish as time moves on. */
async function stop(load: ThrottleLoad): Promise<void> {
  const stopped = load.stop();
  await jest.advanceTimersByTimeAsync(1000);
  await stopped;
}

describe('throttle governor (in memory)', () => {
  let governors: SharedThrottleGovernor[] = [];

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });

  afterEach(async () => {
    await Promise.all(governors.map((g) => g.close()));
    governors = [];
    jest.useRealTimers();
  });

  it('keeps three workers sharing a mailbox within its 4 concurrent requests, and uses all 4', async () => {
    governors = workers(3, new MemoryScopeLedgerStore(), { budgets: { 'graph.mailbox': { concurrent: 4 } } });
    const load = new ThrottleLoad();
    governors.forEach((g, i) => load.start(i, g, mailbox, { parallel: 4, holdMs: 7 + i * 3 }));
    await jest.advanceTimersByTimeAsync(3000);
    await stop(load);
    expect(load.maxInFlight).toBe(4);
    // Every worker got a share.
    for (let i = 0; i < 3; i++) expect(load.count(0, Infinity, i)).toBeGreaterThan(20);
  });

  it('holds every worker back until a Retry-After one of them got has passed', async () => {
    // Slots only, and a window that recovers at once: the others hear of the block from the watch alone.
    governors = workers(3, new MemoryScopeLedgerStore(), {
      budgets: { 'graph.mailbox': { concurrent: 6 }, 'graph.tenant': {} },
      tuning: { aimd: { decrease: 0.5, minFactor: 0.1, increasePerSecond: 100 } },
    });
    const load = new ThrottleLoad();
    let throttleAt = 0;
    governors.forEach((g, i) =>
      load.start(i, g, mailbox, {
        parallel: 2,
        holdMs: 10,
        outcome: (w) => {
          if (w === 0 && throttleAt === 0 && Date.now() >= 1_700_000_000_500) {
            throttleAt = Date.now();
            return { kind: 'throttled', retryAfterMs: 2000 };
          }
          return { kind: 'ok' };
        },
      }),
    );
    await jest.advanceTimersByTimeAsync(5000);
    await stop(load);
    expect(throttleAt).toBeGreaterThan(0);
    expect(load.count(throttleAt, throttleAt + 2000)).toBe(0);
    for (let i = 0; i < 3; i++) expect(load.count(throttleAt + 2000, throttleAt + 2200, i)).toBeGreaterThan(0);
  });

  it('shares a rate budget: never more than it in any window, and at least 0.9 of it under overload', async () => {
    const windowMs = 2000;
    governors = workers(3, new MemoryScopeLedgerStore(), { budgets: { 'graph.mailbox': { rate: { count: 50, perSeconds: 2 } } } });
    const load = new ThrottleLoad();
    const start = Date.now();
    governors.forEach((g, i) => load.start(i, g, mailbox, { parallel: 3, holdMs: 5 }));
    await jest.advanceTimersByTimeAsync(10_000);
    await stop(load);
    expect(load.maxInWindow(windowMs)).toBeLessThanOrEqual(50);
    expect(load.count(start, start + 10_000)).toBeGreaterThanOrEqual(0.9 * 50 * 5);
  });

  it("gives a dead worker's slots to the others once its lease has run out, not before", async () => {
    const store = new MemoryScopeLedgerStore();
    const severed = new SeveredStore(store);
    const budgets = { 'graph.mailbox': { concurrent: 4 } };
    const [dying] = workers(1, severed, { budgets });
    const [survivor] = workers(1, store, { budgets, workerId: 'w9' });
    governors = [dying!, survivor!];
    const controller = new AbortController();
    for (let i = 0; i < 4; i++) await dying!.acquire(mailbox, {}, controller.signal);
    severed.severed = true;
    const diedAt = Date.now();
    const load = new ThrottleLoad();
    load.start(1, survivor!, mailbox, { parallel: 4, holdMs: 5 });
    await jest.advanceTimersByTimeAsync(3000);
    await stop(load);
    const first = Math.min(...load.admissions.map((a) => a.at));
    // The lease was renewed up to a third of the TTL before it was cut; it lapses, then the grace.
    expect(first - diedAt).toBeGreaterThanOrEqual(tuning.holderTtlMs - tuning.holderTtlMs / 3);
    expect(first - diedAt).toBeLessThanOrEqual(tuning.holderTtlMs + tuning.holderGraceMs + 100);
    expect(load.maxInFlight).toBe(4);
  });

  it('halves the concurrency window for everyone on a throttled answer and climbs back while nothing is throttled', async () => {
    governors = workers(2, new MemoryScopeLedgerStore(), { budgets: { 'graph.mailbox': { concurrent: 4 } }, tuning: { aimd: { decrease: 0.5, minFactor: 0.1, increasePerSecond: 0.25 } } });
    const load = new ThrottleLoad();
    let throttled = false;
    governors.forEach((g, i) =>
      load.start(i, g, mailbox, {
        parallel: 4,
        holdMs: 10,
        outcome: () => {
          if (!throttled && Date.now() >= 1_700_000_000_300) {
            throttled = true;
            return { kind: 'throttled', retryAfterMs: null };
          }
          return { kind: 'ok' };
        },
      }),
    );
    await jest.advanceTimersByTimeAsync(400);
    load.maxInFlight = 0;
    await jest.advanceTimersByTimeAsync(800);
    expect(load.maxInFlight).toBe(2);
    await jest.advanceTimersByTimeAsync(2500);
    load.maxInFlight = 0;
    await jest.advanceTimersByTimeAsync(500);
    await stop(load);
    expect(load.maxInFlight).toBe(4);
  });

  it('charges Gmail quota units and upload bytes to their budgets', async () => {
    governors = workers(1, new MemoryScopeLedgerStore(), {
      budgets: { 'gmail.user': { rate: { count: 1000, perSeconds: 10 } }, 'graph.mailbox': { uploadBytes: { bytes: 10_000, perSeconds: 10 } } },
      tuning: { burstFraction: 0.1 },
    });
    const start = Date.now();
    const gmail = new ThrottleLoad();
    gmail.start(0, governors[0]!, { vendor: 'gmail', tenantKey: 'c', mailboxKey: 'u' }, { parallel: 2, holdMs: 1, cost: { requests: 1, units: 25 } });
    const graph = new ThrottleLoad();
    graph.start(0, governors[0]!, mailbox, { parallel: 2, holdMs: 1, cost: { requests: 1, uploadBytes: 500 } });
    await jest.advanceTimersByTimeAsync(25_000);
    await stop(gmail);
    await stop(graph);
    // No 10 s window holds more than the budget in requests of 25 units / 500 bytes, and the first
    // 10 s hold the burst plus at least 0.9 of the rest.
    expect(gmail.maxInWindow(10_000)).toBeLessThanOrEqual(1000 / 25);
    expect(gmail.count(start, start + 10_000)).toBeGreaterThanOrEqual(Math.floor((100 + 0.9 * 900) / 25));
    expect(graph.maxInWindow(10_000)).toBeLessThanOrEqual(10_000 / 500);
    expect(graph.count(start, start + 10_000)).toBeGreaterThanOrEqual(Math.floor((1000 + 0.9 * 9000) / 500));
  });

  it('rejects a waiting acquire when its signal aborts, and the slot it waited for goes to the next', async () => {
    governors = workers(1, new MemoryScopeLedgerStore(), { budgets: { 'graph.mailbox': { concurrent: 1 } } });
    const [g] = governors;
    const first = await g!.acquire(mailbox, {}, new AbortController().signal);
    const aborted = new AbortController();
    const waiting = g!.acquire(mailbox, {}, aborted.signal);
    const next = g!.acquire(mailbox, {}, new AbortController().signal);
    aborted.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    first.release({ kind: 'ok' });
    await jest.advanceTimersByTimeAsync(10);
    await expect(next).resolves.toBeDefined();
  });

  it('gives its share back to the shared ledger when idle, and reports waits, throttles and in-flight', async () => {
    const store = new MemoryScopeLedgerStore();
    const events: string[] = [];
    const metrics: ThrottleMetrics = {
      onWait: (vendor, ms) => events.push(`wait ${vendor} ${ms >= 0}`),
      onThrottled: (vendor) => events.push(`throttled ${vendor}`),
      setInFlight: (vendor, n) => events.push(`inflight ${vendor} ${n}`),
    };
    governors = workers(1, store, { metrics });
    const permit = await governors[0]!.acquire(mailbox, {}, new AbortController().signal);
    permit.release({ kind: 'throttled', retryAfterMs: 10 });
    permit.release({ kind: 'ok' });
    expect(events).toEqual(['wait graph true', 'inflight graph 1', 'inflight graph 0', 'throttled graph']);
    await jest.advanceTimersByTimeAsync(50);
    const key = scopeStoreKey('graph.mailbox', mailbox);
    expect(Object.keys((await store.read(key))?.ledger?.holders ?? {})).toEqual(['w0']);
    await jest.advanceTimersByTimeAsync(tuning.idleReleaseMs + 50);
    expect((await store.read(key))?.ledger?.holders).toEqual({});
  });

  it('does not poll: an idle governor with a blocked scope sets one timer and makes no store calls', async () => {
    const store = new MemoryScopeLedgerStore();
    let calls = 0;
    const counting: ScopeLedgerStore = {
      read: (k) => (calls++, store.read(k)),
      write: (k, l, r) => (calls++, store.write(k, l, r)),
      watch: (k, f) => store.watch(k, f),
    };
    governors = workers(1, counting, { budgets: { 'graph.mailbox': { concurrent: 4 } } });
    const permit = await governors[0]!.acquire(mailbox, {}, new AbortController().signal);
    permit.release({ kind: 'throttled', retryAfterMs: 60_000 });
    const waiting = governors[0]!.acquire(mailbox, {}, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(100);
    const before = calls;
    await jest.advanceTimersByTimeAsync(30_000);
    // Only lease renewals (every third of the 1 s TTL) touch the store while blocked.
    expect(calls - before).toBeLessThanOrEqual(Math.ceil(30_000 / (tuning.holderTtlMs / 3)) + 2);
    expect(jest.getTimerCount()).toBeLessThanOrEqual(2);
    await jest.advanceTimersByTimeAsync(31_000);
    await expect(waiting).resolves.toBeDefined();
  });
});
