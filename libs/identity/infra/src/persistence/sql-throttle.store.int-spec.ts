import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';
import { SqlThrottleStore } from './sql-throttle.store';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const WINDOW = 15 * 60_000;
const noLock = () => 0;

describe('throttle counters on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let store: SqlThrottleStore;
  let replica: SqlThrottleStore;

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_throttle', 2);
    store = new SqlThrottleStore(t.db);
    replica = new SqlThrottleStore(t.sources[1]!);
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads an unknown key as no failures and no lock', async () => {
    await expect(store.read('k-unknown', NOW)).resolves.toEqual({ failures: 0, lockedUntil: null });
  });

  it('counts failures within the window and starts over after it', async () => {
    expect((await store.recordFailure('k1', NOW, WINDOW, noLock)).failures).toBe(1);
    expect((await store.recordFailure('k1', later(1000), WINDOW, noLock)).failures).toBe(2);
    await expect(store.read('k1', later(WINDOW - 1))).resolves.toEqual({ failures: 2, lockedUntil: null });
    await expect(store.read('k1', later(WINDOW))).resolves.toEqual({ failures: 0, lockedUntil: null });
    expect((await store.recordFailure('k1', later(WINDOW), WINDOW, noLock)).failures).toBe(1);
    expect((await store.recordFailure('k1', later(WINDOW + 1000), WINDOW, noLock)).failures).toBe(2);
  });

  it('sets the lock the caller computes from the new count, and lets it lapse', async () => {
    const lockFor = (n: number) => (n >= 3 ? 60_000 : 0);
    await store.recordFailure('k2', NOW, WINDOW, lockFor);
    await expect(store.recordFailure('k2', NOW, WINDOW, lockFor)).resolves.toEqual({
      failures: 2,
      lockedUntil: null,
    });
    await expect(store.recordFailure('k2', NOW, WINDOW, lockFor)).resolves.toEqual({
      failures: 3,
      lockedUntil: later(60_000),
    });
    await expect(store.read('k2', later(59_999))).resolves.toEqual({
      failures: 3,
      lockedUntil: later(60_000),
    });
    await expect(store.read('k2', later(60_000))).resolves.toEqual({ failures: 3, lockedUntil: null });
  });

  it('only ever extends a lock', async () => {
    const lockFor = (n: number) => (n === 1 ? 600_000 : 1_000);
    await expect(store.recordFailure('k3', NOW, WINDOW, lockFor)).resolves.toEqual({
      failures: 1,
      lockedUntil: later(600_000),
    });
    await expect(store.recordFailure('k3', later(10), WINDOW, lockFor)).resolves.toEqual({
      failures: 2,
      lockedUntil: later(600_000),
    });
    await expect(store.read('k3', later(20))).resolves.toMatchObject({ lockedUntil: later(600_000) });
  });

  it('loses no failure when two replicas count the same key at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? replica : store).recordFailure('k-race', later(i), WINDOW, noLock),
      ),
    );
    expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    await expect(store.read('k-race', later(100))).resolves.toMatchObject({ failures: 30 });
  });

  it('forgets a key on reset', async () => {
    await store.recordFailure('k4', NOW, WINDOW, () => 60_000);
    await store.reset('k4');
    await expect(store.read('k4', NOW)).resolves.toEqual({ failures: 0, lockedUntil: null });
  });

  it('refuses an over-long key without echoing it', async () => {
    await expect(store.read('x'.repeat(201), NOW)).rejects.toThrow('throttle key must be 1-200 characters');
  });

  it('purges counters whose window and lock have both ended', async () => {
    await store.recordFailure('k5', NOW, 1000, noLock);
    await store.recordFailure('k6', NOW, 1000, () => 3_600_000);
    await store.purgeExpired(later(2000));
    const keys = (
      await t.db.query<{ throttle_key: string }[]>(
        "SELECT throttle_key FROM identity.throttle_counters WHERE throttle_key IN ('k5','k6')",
      )
    ).map((r) => r.throttle_key);
    expect(keys).toEqual(['k6']);
  });
});
