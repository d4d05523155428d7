/** Bounds for retrying the first database connection. */
export interface BackoffSettings {
  /** Delay ceiling for the first retry, in ms. */
  readonly initialDelayMs: number;
  /** Cap on any delay, in ms. */
  readonly maxDelayMs: number;
}

/**
 * Delay before retry `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed,
 * half random) so replicas restarted together spread out but never retry instantly.
 */
export function backoffDelayMs(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `1234` -> `"1.2s"`, `40` -> `"0.04s"`, for log lines. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 1_000 ? 2 : 1))}s`;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Settles like `promise`, or rejects with `message` after `ms`. Clears its timer either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
