import { backoffDelayMs, formatSeconds, sleep, withTimeout } from './backoff.util';

const settings = { initialDelayMs: 500, maxDelayMs: 30_000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling per attempt', () => {
    const top = (attempt: number) => backoffDelayMs(attempt, settings, () => 1);
    expect([1, 2, 3, 4].map(top)).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelayMs(7, settings, () => 1)).toBe(30_000);
    expect(backoffDelayMs(10_000, settings, () => 1)).toBe(30_000);
  });

  it('jitters between half the ceiling and the ceiling', () => {
    expect(backoffDelayMs(3, settings, () => 0)).toBe(1_000);
    expect(backoffDelayMs(3, settings, () => 0.5)).toBe(1_500);
    for (let i = 0; i < 200; i += 1) {
      const d = backoffDelayMs(20, settings);
      expect(d).toBeGreaterThanOrEqual(15_000);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });
});

describe('formatSeconds', () => {
  it('renders milliseconds as seconds, with two decimals below a second and one above', () => {
    expect(formatSeconds(30_000)).toBe('30s');
    expect(formatSeconds(1_234)).toBe('1.2s');
    expect(formatSeconds(40)).toBe('0.04s');
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const pending = sleep(60_000, stop.signal);
    stop.abort();
    await pending;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('withTimeout', () => {
  it('rejects with the given message when the promise is too slow', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'too slow')).rejects.toThrow('too slow');
  });

  it('passes the value through when the promise is fast', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, 'too slow')).resolves.toBe(7);
  });
});
