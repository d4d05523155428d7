import { ProviderError } from '@ferry/providers/core';
import { RecordingGovernor } from '@ferry/migration/testing';
import { governedCall } from './governed-call';

const SCOPE = { vendor: 'graph' as const, tenantKey: 't', mailboxKey: 'm' };
const FAST = { throttledRetries: 2, transientRetries: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('governed call retries', () => {
  const attempt = (errors: Error[]) => {
    let calls = 0;
    const fn = () => {
      calls++;
      const err = errors.shift();
      return err ? Promise.reject(err) : Promise.resolve('ok');
    };
    return { fn, calls: () => calls };
  };

  it('tries a 5xx or a network failure again and reports each failure to the governor', async () => {
    const governor = new RecordingGovernor();
    const a = attempt([new ProviderError('provider-error', 'x', { status: 503 }), new ProviderError('unreachable', 'y')]);
    await expect(governedCall(governor, SCOPE, { requests: 1 }, new AbortController().signal, a.fn, FAST)).resolves.toBe('ok');
    expect(a.calls()).toBe(3);
    expect(governor.outcomes.map((o) => o.kind)).toEqual(['failed', 'failed', 'ok']);
  });

  it('does not repeat a request a 4xx refused, whatever code the adapter gave it', async () => {
    const governor = new RecordingGovernor();
    const a = attempt([new ProviderError('provider-error', 'refused', { status: 404 })]);
    await expect(governedCall(governor, SCOPE, { requests: 1 }, new AbortController().signal, a.fn, FAST)).rejects.toThrow('refused');
    expect(a.calls()).toBe(1);
  });

  it('gives up after the transient retries and throws the last failure', async () => {
    const governor = new RecordingGovernor();
    const a = attempt(Array.from({ length: 10 }, () => new ProviderError('unreachable', 'down')));
    await expect(governedCall(governor, SCOPE, { requests: 1 }, new AbortController().signal, a.fn, FAST)).rejects.toThrow('down');
    expect(a.calls()).toBe(4);
  });

  it('reports a throttled answer with its Retry-After and tries again', async () => {
    const governor = new RecordingGovernor();
    const a = attempt([new ProviderError('throttled', 'slow down', { status: 429, retryAfterSeconds: 0 })]);
    await expect(governedCall(governor, SCOPE, { requests: 1 }, new AbortController().signal, a.fn, FAST)).resolves.toBe('ok');
    expect(governor.outcomes[0]).toEqual({ kind: 'throttled', retryAfterMs: 0 });
  });
});
