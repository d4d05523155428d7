import { DestinationRefusedError } from '@ferry/platform/net';
import type { AuditEventView, EventOrigin } from './audit-event.view';

/** One SIEM destination: how an event looks on its wire, and how a batch of them is handed over. */
export interface ForwardingSink {
  /** Names the destination in logs and durable consumer names (`webhook`, `syslog`). */
  readonly kind: 'webhook' | 'syslog';
  /** Largest single encoded event the destination takes; a larger one is refused, not cut. */
  readonly maxEventBytes: number;
  /** The event in the destination's wire format (one HEC event object, one framed syslog message). */
  encode(view: AuditEventView, origin: EventOrigin): Buffer;
  /**
   * Hands a batch over; resolves only once the destination accepted all of it. Throws
   * {@link SinkError}. `signal` aborts a delivery at shutdown.
   */
  deliver(frames: readonly Buffer[], batchId: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * A delivery that failed. `retryable` failures are tried again (after `retryAfterMs` when the
 * destination said how long to wait); others reject the batch. Messages name hosts and status codes,
 * never secrets or event content.
 */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

/** An error's code when it looks like one (ECONNREFUSED, CERT_HAS_EXPIRED...), else its class: never a message that could carry data. */
export function safeCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,60}$/.test(code)) return code;
  if (err instanceof DestinationRefusedError) return `refused: ${err.reason}`;
  return (err as Error | undefined)?.name ?? 'error';
}
