import { Watchdog } from './streaming-transport.watchdog';

describe('the watchdog over a transport’s exchanges in flight', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const exchange = () => {
    const checks: number[] = [];
    return { checks, check: (now: number) => void checks.push(now) };
  };

  it('checks every exchange in flight each tick, with one timer for all of them', () => {
    const watchdog = new Watchdog(100);
    const a = exchange();
    const b = exchange();
    watchdog.watch(a);
    watchdog.watch(b);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(250);
    expect(a.checks).toHaveLength(2);
    expect(b.checks).toHaveLength(2);
    watchdog.release(a);
    jest.advanceTimersByTime(100);
    expect(a.checks).toHaveLength(2);
    expect(b.checks).toHaveLength(3);
  });

  it('stops its timer once nothing is in flight, and starts it again for the next exchange', () => {
    const watchdog = new Watchdog(100);
    const a = exchange();
    watchdog.watch(a);
    watchdog.release(a);
    jest.advanceTimersByTime(100);
    expect(jest.getTimerCount()).toBe(0);
    const b = exchange();
    watchdog.watch(b);
    jest.advanceTimersByTime(100);
    expect(b.checks).toHaveLength(1);
  });

  it('lets an exchange that fails during a check leave the watch', () => {
    const watchdog = new Watchdog(100);
    const failing = { check: () => watchdog.release(failing) };
    const other = exchange();
    watchdog.watch(failing);
    watchdog.watch(other);
    jest.advanceTimersByTime(200);
    expect(other.checks).toHaveLength(2);
  });
});
