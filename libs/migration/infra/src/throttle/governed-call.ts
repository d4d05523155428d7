import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestCost, ThrottleGovernor, ThrottleScope } from '@ferry/migration/application';
import { ProviderError } from '@ferry/providers/core';

/** How many times a request is tried again, and how long backoff may grow. */
export interface RetryPolicy {
  /** Attempts after a throttled answer (each waits at least the Retry-After the governor enforces). */
  readonly throttledRetries: number;
  /** Attempts after a transient failure (network, 5xx). */
  readonly transientRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { throttledRetries: 8, transientRetries: 4, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^attempt)). */
export function jitteredDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Runs one provider request under the governor: waits for a permit, reports how the request ended
 * (throttled with its Retry-After, failed, ok) so the governor can adapt for every worker, and tries
 * again after throttling (the governor holds everyone back until Retry-After has passed) or a
 * transient failure (jittered backoff). Permanent failures are thrown at once.
 *
 * `attempt` must be safe to repeat: reads, or writes the caller made idempotent.
 */
export async function governedCall<T>(
  governor: ThrottleGovernor,
  scope: ThrottleScope,
  cost: RequestCost,
  signal: AbortSignal,
  attempt: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
  let throttled = 0;
  let transient = 0;
  for (;;) {
    const permit = await governor.acquire(scope, cost, signal);
    try {
      const result = await attempt();
      permit.release({ kind: 'ok' });
      return result;
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'throttled') {
        const retryAfter = err.details.retryAfterSeconds;
        permit.release({ kind: 'throttled', retryAfterMs: retryAfter === undefined ? null : retryAfter * 1000 });
        if (++throttled > policy.throttledRetries) throw err;
        // The governor blocks the scope until Retry-After; without one, back off here.
        if (retryAfter === undefined) await sleep(jitteredDelay(throttled, policy), undefined, { signal });
        continue;
      }
      permit.release({ kind: 'failed' });
      if (isTransient(err) && ++transient <= policy.transientRetries) {
        await sleep(jitteredDelay(transient, policy), undefined, { signal });
        continue;
      }
      throw err;
    }
  }
}

/**
 * Worth another try: network failures and 5xx. A 4xx answer (other than a request timeout) means the
 * same request will be refused again, whatever code the adapter gave it.
 */
function isTransient(err: unknown): boolean {
  if (!(err instanceof ProviderError) || !err.retryable) return false;
  const status = err.details.status;
  return status === undefined || status >= 500 || status === 408;
}
