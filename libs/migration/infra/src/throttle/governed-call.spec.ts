import type { ThrottleScope } from '@ferry/migration/application';
import { ProviderError } from '@ferry/providers/core';
import { governedCall } from './governed-call';
import { createLocalThrottleGovernor } from './local-throttle.governor';
import type { SharedThrottleGovernor } from './shared-throttle.governor';

const scope: ThrottleScope = { vendor: 'graph', tenantKey: 'connector-1', mailboxKey: 'pseudo-1' };
const policy = { throttledRetries: 3, transientRetries: 2, baseDelayMs: 1, maxDelayMs: 2 };

describe('governed call under the throttle governor', () => {
  let governor: SharedThrottleGovernor;

  afterEach(async () => {
    await governor.close();
    jest.useRealTimers();
  });

  it('holds the retry and every other caller of the mailbox back until the Retry-After has passed', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    governor = createLocalThrottleGovernor();
    const signal = new AbortController().signal;
    const calls: number[] = [];
    const first = governedCall(governor, scope, { requests: 1 }, signal, () => {
      calls.push(Date.now());
      if (calls.length === 1) return Promise.reject(new ProviderError('throttled', 'throttled', { retryAfterSeconds: 3 }));
      return Promise.resolve('done');
    }, policy);
    await jest.advanceTimersByTimeAsync(10);
    const otherAt: number[] = [];
    const other = governedCall(governor, scope, { requests: 1 }, signal, () => {
      otherAt.push(Date.now());
      return Promise.resolve('other');
    }, policy);
    await jest.advanceTimersByTimeAsync(2900);
    expect(calls).toHaveLength(1);
    expect(otherAt).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(200);
    await expect(first).resolves.toBe('done');
    await expect(other).resolves.toBe('other');
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(3000);
    expect((otherAt[0] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(3000);
  });

  it('releases every permit it took, whatever the outcome, so no slot leaks', async () => {
    governor = createLocalThrottleGovernor({ budgets: { 'graph.mailbox': { concurrent: 1 } } });
    const signal = new AbortController().signal;
    let attempts = 0;
    await expect(
      governedCall(governor, scope, {}, signal, () => {
        attempts++;
        return Promise.reject(new ProviderError('provider-error', 'server error', { status: 503 }));
      }, policy),
    ).rejects.toThrow('server error');
    expect(attempts).toBe(3);
    await expect(governedCall(governor, scope, {}, signal, () => Promise.reject(new ProviderError('not-authorized', 'denied')), policy)).rejects.toThrow('denied');
    // With a cap of one, this would wait for ever if any permit above had not been released.
    await expect(governedCall(governor, scope, {}, signal, () => Promise.resolve(7), policy)).resolves.toBe(7);
  });
});
