import { MemoryThrottleStore } from './memory-throttle.store';

const T0 = new Date('2025-01-15T09:00:00.000Z').getTime();
const at = (ms: number) => new Date(T0 + ms);

describe('the in-memory throttle store', () => {
  it('counts failures in a sliding window and forgets older ones', async () => {
    const store = new MemoryThrottleStore();
    await store.recordFailure('k', at(0), 1000, () => 0);
    await store.recordFailure('k', at(600), 1000, () => 0);
    expect((await store.read('k', at(900))).failures).toBe(2);
    expect((await store.read('k', at(1100))).failures).toBe(1);
    expect((await store.recordFailure('k', at(1700), 1000, () => 0)).failures).toBe(1);
  });

  it('sets the lock the caller computes from the new count, and lifts it when it ends', async () => {
    const store = new MemoryThrottleStore();
    const lockFor = (n: number) => (n >= 2 ? 500 : 0);
    expect((await store.recordFailure('k', at(0), 10_000, lockFor)).lockedUntil).toBeNull();
    expect((await store.recordFailure('k', at(10), 10_000, lockFor)).lockedUntil).toEqual(at(510));
    expect((await store.read('k', at(509))).lockedUntil).toEqual(at(510));
    expect((await store.read('k', at(510))).lockedUntil).toBeNull();
    await store.reset('k');
    expect(await store.read('k', at(0))).toEqual({ failures: 0, lockedUntil: null });
  });
});
