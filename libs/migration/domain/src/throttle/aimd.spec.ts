import { aimdFactor, aimdOnThrottle, assertValidAimd, concurrencyWindow, DEFAULT_AIMD, initialAimd } from './aimd';

describe('AIMD law', () => {
  const params = { decrease: 0.5, minFactor: 0.1, increasePerSecond: 0.1 };

  it('starts at the documented limit and halves on a throttled answer', () => {
    const start = initialAimd(0);
    expect(aimdFactor(start, params, 0)).toBe(1);
    const after = aimdOnThrottle(start, params, 1000, 0);
    expect(after).toEqual({ floor: 0.5, since: 1000, epoch: 1 });
  });

  it('decreases once for answers to requests sent in the same epoch', () => {
    const once = aimdOnThrottle(initialAimd(0), params, 1000, 0);
    expect(aimdOnThrottle(once, params, 1001, 0)).toBe(once);
    expect(aimdOnThrottle(once, params, 1000, 1).floor).toBeCloseTo(0.25, 9);
  });

  it('climbs back linearly with time, never above 1', () => {
    const after = aimdOnThrottle(initialAimd(0), params, 0, 0);
    expect(aimdFactor(after, params, 2000)).toBeCloseTo(0.7, 9);
    expect(aimdFactor(after, params, 60_000)).toBe(1);
    expect(aimdFactor(after, params, -5000)).toBe(0.5);
  });

  it('never falls below the minimum factor', () => {
    let state = initialAimd(0);
    for (let i = 0; i < 20; i++) state = aimdOnThrottle(state, params, 0, state.epoch);
    expect(state.floor).toBe(0.1);
  });

  it('scales the concurrency cap, at least one and never above the cap', () => {
    expect(concurrencyWindow(4, 1)).toBe(4);
    expect(concurrencyWindow(4, 0.74)).toBe(2);
    expect(concurrencyWindow(4, 0.75)).toBe(3);
    expect(concurrencyWindow(4, 0.1)).toBe(1);
    expect(concurrencyWindow(4, 7)).toBe(4);
  });

  it('rejects parameters that would not converge', () => {
    expect(() => assertValidAimd(DEFAULT_AIMD)).not.toThrow();
    expect(() => assertValidAimd({ ...params, decrease: 1 })).toThrow(/decrease/);
    expect(() => assertValidAimd({ ...params, minFactor: 0 })).toThrow(/minFactor/);
    expect(() => assertValidAimd({ ...params, increasePerSecond: -1 })).toThrow(/increase/);
  });
});
