import type { ThrottleScope } from '@ferry/migration/application';
import { MessagingClient } from '@ferry/platform/messaging';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { createKvThrottleGovernor, throttleBucketName } from './kv-throttle.governor';
import type { SharedThrottleGovernor } from './shared-throttle.governor';
import type { ThrottleGovernorOptions } from './throttle-governor.options';
import type { ThrottleMetrics, ThrottleStoreOp } from './throttle-metrics';
import { ThrottleLoad } from './testing/throttle-load';

// Budgets and leases scaled down so each scenario takes seconds: a lease is held 2% of a budget's
// period however short (production: 1 to 5 s), a worker's share lives 1.5 s.
const tuning = { holderTtlMs: 1500, holderGraceMs: 200, idleReleaseMs: 500, minSyncIntervalMs: 50, minLeaseHoldMs: 0 };

function scopeNamed(mailboxKey: string): ThrottleScope {
  return { vendor: 'graph', tenantKey: 'connector-int', mailboxKey };
}

/** Counts shared-store operations, for the KV cost per request. */
function storeCounter(): ThrottleMetrics & { ops: Record<ThrottleStoreOp, number> } {
  const ops: Record<ThrottleStoreOp, number> = { read: 0, write: 0, conflict: 0, error: 0 };
  return { ops, onWait: () => undefined, onThrottled: () => undefined, setInFlight: () => undefined, onStoreOp: (op) => void ops[op]++ };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('throttle governor across workers (NATS KV)', () => {
  jest.setTimeout(20_000);
  const namespace = natsTestNamespace('throttle');
  const clients: MessagingClient[] = [];
  const governors: SharedThrottleGovernor[] = [];

  /** A worker: its own NATS connection and governor, sharing the installation's bucket. */
  async function worker(options: ThrottleGovernorOptions = {}): Promise<{ client: MessagingClient; governor: SharedThrottleGovernor }> {
    const client = new MessagingClient({ servers: [TEST_NATS_URL], service: 'migration-worker', region: 'test', prefix: namespace.prefix, maxConnectBackoffMs: 500, drainTimeoutMs: 2000 });
    clients.push(client);
    const governor = await createKvThrottleGovernor(client, { ...options, workerId: `w${clients.length}`, tuning: { ...tuning, ...options.tuning } });
    governors.push(governor);
    return { client, governor };
  }

  afterAll(async () => {
    await Promise.all(governors.map((g) => g.close()));
    const admin = clients[0] as MessagingClient;
    const jsm = await (await admin.ready()).jetstreamManager();
    const stream = `KV_${throttleBucketName(admin)}`;
    await jsm.streams.delete(stream);
    await expect(jsm.streams.info(stream)).rejects.toThrow(/stream not found/);
    await Promise.all(clients.map((c) => c.close()));
    await namespace.cleanup();
  });

  it('creates the installation bucket when missing: one value per key, bucket-level TTL, named under the prefix', async () => {
    const { client } = await worker();
    const kv = await (await client.ready()).jetstream().views.kv(throttleBucketName(client), { bindOnly: true });
    const status = await kv.status();
    expect(status.bucket).toBe(`${namespace.prefix.toUpperCase()}_MIGRATION_THROTTLE`);
    expect(status.history).toBe(1);
    expect(status.ttl).toBe(60 * 60_000);
  });

  it('keeps three workers sharing a mailbox within its concurrency cap together, and uses the whole cap', async () => {
    const budgets = { 'graph.mailbox': { concurrent: 4 } };
    const workers = await Promise.all([worker({ budgets }), worker({ budgets }), worker({ budgets })]);
    const load = new ThrottleLoad();
    const scope = scopeNamed('concurrency');
    workers.forEach(({ governor }, i) => load.start(i, governor, scope, { parallel: 4, holdMs: 8 + 3 * i }));
    // At least 2 s, and on a loaded machine until every worker had its turns (KV round trips slow down).
    await sleep(2000);
    for (let waited = 0; waited < 8000 && [0, 1, 2].some((i) => load.count(0, Infinity, i) <= 10); waited += 250) await sleep(250);
    await load.stop();
    expect(load.maxInFlight).toBe(4);
    for (let i = 0; i < 3; i++) expect(load.count(0, Infinity, i)).toBeGreaterThan(10);
  });

  it('holds every worker back until a Retry-After one of them got has passed', async () => {
    // Slots only, and a window that recovers at once: the others hear of the block from the watch alone.
    const options = { budgets: { 'graph.mailbox': { concurrent: 6 }, 'graph.tenant': {} }, tuning: { aimd: { decrease: 0.5, minFactor: 0.1, increasePerSecond: 100 } } };
    const workers = await Promise.all([worker(options), worker(options), worker(options)]);
    const load = new ThrottleLoad();
    const scope = scopeNamed('retry-after');
    let throttledAt = 0;
    const started = Date.now();
    workers.forEach(({ governor }, i) =>
      load.start(i, governor, scope, {
        parallel: 2,
        holdMs: 10,
        outcome: (w) => {
          if (w === 1 && throttledAt === 0 && Date.now() - started >= 300) {
            throttledAt = Date.now();
            return { kind: 'throttled', retryAfterMs: 1500 };
          }
          return { kind: 'ok' };
        },
      }),
    );
    await sleep(2500);
    await load.stop();
    expect(throttledAt).toBeGreaterThan(0);
    // Requests admitted before the answer came back may still be on their way; after the block has
    // reached every worker (a KV write and a watch message), none is admitted until it passes.
    expect(load.count(throttledAt + 50, throttledAt + 1500)).toBe(0);
    for (let i = 0; i < 3; i++) expect(load.count(throttledAt + 1500, throttledAt + 1800, i)).toBeGreaterThan(0);
  });

  it('shares a rate budget: never more than it in any window, at least 0.9 of it when demand exceeds it', async () => {
    const counter = storeCounter();
    const budgets = { 'graph.mailbox': { rate: { count: 50, perSeconds: 2 } }, 'graph.tenant': {} };
    const workers = await Promise.all([worker({ budgets, metrics: counter }), worker({ budgets, metrics: counter }), worker({ budgets, metrics: counter })]);
    const load = new ThrottleLoad();
    const scope = scopeNamed('rate');
    const started = Date.now();
    workers.forEach(({ governor }, i) => load.start(i, governor, scope, { parallel: 3, holdMs: 10 }));
    await sleep(6000);
    await load.stop();
    const admitted = load.count(started, started + 6000);
    expect(load.maxInWindow(2000)).toBeLessThanOrEqual(50);
    expect(admitted).toBeGreaterThanOrEqual(0.9 * 50 * 3);
    // Scaled down, a burst holds 1.5 requests: about one write per request (production: 0.3 to 0.5).
    expect((counter.ops.read + counter.ops.write) / admitted).toBeLessThan(2);
  });

  it("gives a dead worker's slots back once its lease has run out, and not before", async () => {
    const budgets = { 'graph.mailbox': { concurrent: 4 } };
    const dying = await worker({ budgets });
    const survivor = await worker({ budgets });
    const scope = scopeNamed('dead-worker');
    for (let i = 0; i < 4; i++) await dying.governor.acquire(scope, {}, new AbortController().signal);
    // The worker dies holding all four: its connection goes, nothing is given back.
    await dying.client.close();
    const diedAt = Date.now();
    await dying.governor.close();
    const load = new ThrottleLoad();
    load.start(1, survivor.governor, scope, { parallel: 4, holdMs: 10 });
    await sleep(tuning.holderTtlMs + tuning.holderGraceMs + 800);
    await load.stop();
    const first = Math.min(...load.admissions.map((a) => a.at));
    expect(first - diedAt).toBeGreaterThanOrEqual((2 * tuning.holderTtlMs) / 3);
    expect(first - diedAt).toBeLessThanOrEqual(tuning.holderTtlMs + tuning.holderGraceMs + 300);
    expect(load.maxInFlight).toBe(4);
  });

  it('keeps addresses out of the bucket: keys are hashes, values hold no scope key', async () => {
    const { client, governor } = await worker({ budgets: { 'graph.mailbox': { concurrent: 4, rate: { count: 100, perSeconds: 10 } } } });
    const scope: ThrottleScope = { vendor: 'graph', tenantKey: 'tenant-7f3a-contoso', mailboxKey: 'adele.vance@contoso.example' };
    const permit = await governor.acquire(scope, { requests: 1 }, new AbortController().signal);
    permit.release({ kind: 'throttled', retryAfterMs: 10 });
    await sleep(200);
    const kv = await (await client.ready()).jetstream().views.kv(throttleBucketName(client), { bindOnly: true });
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^[a-z]+_[a-z]+\.[0-9a-f]{32}$/);
      const value = (await kv.get(key))?.string() ?? '';
      for (const secret of ['adele', 'contoso', 'tenant-7f3a', '@']) {
        expect(key).not.toContain(secret);
        expect(value).not.toContain(secret);
      }
    }
  });
});
