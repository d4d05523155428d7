import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { describeServer } from './connection-options';
import type { MessagingLogger } from './messaging.options';

/** Exponential backoff with full jitter, capped. */
export function backoffDelay(attempt: number, capMs: number, baseMs = 250): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Tries to connect until it succeeds or `signal` aborts, logging one line per failed attempt with
 * the servers it waits for. Used for the first connection only; nats.js handles later reconnects.
 */
export async function connectWithBackoff(
  options: ConnectionOptions,
  capMs: number,
  logger: MessagingLogger | undefined,
  signal: AbortSignal,
): Promise<NatsConnection> {
  const servers = ([] as string[]).concat(options.servers ?? []).map(describeServer).join(', ');
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await connect(options);
    } catch (err) {
      if (signal.aborted) throw new Error('connection to NATS abandoned at shutdown');
      const delay = backoffDelay(attempt, capMs);
      const reason = (err as { code?: string }).code ?? (err as Error).name;
      logger?.warn(`waiting for NATS at ${servers} (attempt ${attempt} failed: ${reason}; next in ${delay} ms)`, 'Messaging');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (signal.aborted) throw new Error('connection to NATS abandoned at shutdown');
    }
  }
}
