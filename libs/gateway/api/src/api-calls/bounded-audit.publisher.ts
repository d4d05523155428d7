import type { AuditEventDraft } from '@ferry/platform/messaging';

/** Where the publisher reports its drops: a count and a reason class, never an event's content. */
export interface DropLogger {
  warn(message: string): void;
}

export interface BoundedAuditPublisherOptions {
  /** Events being published at once; one more is dropped. */
  readonly maxInFlight: number;
  /** At most one drop report per this period; drops in between are summed into the next one. */
  readonly reportEveryMs: number;
  readonly logger: DropLogger;
  /** Monotonic milliseconds; injectable for specs. */
  readonly now?: () => number;
}

/** What the publisher has done since it started. */
export interface PublisherStats {
  readonly inFlight: number;
  readonly published: number;
  /** Refused because maxInFlight were already being published. */
  readonly droppedFull: number;
  /** Offered to the stream, which did not take them (NATS down, no stream, timeout). */
  readonly droppedFailed: number;
}

/**
 * Publishes best-effort audit events without ever holding up the caller: `offer` returns at once; at
 * most `maxInFlight` publishes run (so a stalled NATS costs bounded memory), and an event that finds
 * no room or that the stream refuses is dropped, counted, and reported in a rate-limited log line.
 * For records whose loss is acceptable (API calls); actions that must be audited publish and wait.
 */
export class BoundedAuditPublisher {
  private inFlight = 0;
  private published = 0;
  private droppedFull = 0;
  private droppedFailed = 0;
  /** Drops not yet reported, and the last failure's class. */
  private unreported = { full: 0, failed: 0, lastError: '' };
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private reportTimer: NodeJS.Timeout | undefined;
  private idle: (() => void)[] = [];
  private readonly now: () => number;

  constructor(
    private readonly publish: (draft: AuditEventDraft) => Promise<void>,
    private readonly options: BoundedAuditPublisherOptions,
  ) {
    if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1) throw new Error('maxInFlight must be a positive integer');
    this.now = options.now ?? (() => performance.now());
  }

  /** Starts publishing `draft` unless maxInFlight are under way; true if it was taken. Never throws. */
  offer(draft: AuditEventDraft): boolean {
    if (this.inFlight >= this.options.maxInFlight) {
      this.droppedFull += 1;
      this.unreported.full += 1;
      this.report();
      return false;
    }
    this.inFlight += 1;
    let publishing: Promise<void>;
    try {
      publishing = this.publish(draft);
    } catch (err) {
      publishing = Promise.reject(err instanceof Error ? err : new Error('publish threw'));
    }
    publishing
      .then(
        () => {
          this.published += 1;
        },
        (err: unknown) => {
          this.droppedFailed += 1;
          this.unreported.failed += 1;
          this.unreported.lastError = errorClass(err);
          this.report();
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
      })
      .catch(() => undefined);
    return true;
  }

  stats(): PublisherStats {
    const { inFlight, published, droppedFull, droppedFailed } = this;
    return { inFlight, published, droppedFull, droppedFailed };
  }

  /** Waits until nothing is in flight, or `timeoutMs`; then reports any drops not yet reported. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    this.flushReport();
  }

  private report(): void {
    const wait = this.lastReportAt + this.options.reportEveryMs - this.now();
    if (wait <= 0) {
      this.flushReport();
      return;
    }
    this.reportTimer ??= setTimeout(() => this.flushReport(), wait);
    this.reportTimer.unref();
  }

  private flushReport(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    const { full, failed, lastError } = this.unreported;
    if (full + failed === 0) return;
    this.lastReportAt = this.now();
    this.unreported = { full: 0, failed: 0, lastError: '' };
    const reasons = [
      ...(full > 0 ? [`${full} with ${this.options.maxInFlight} already in flight`] : []),
      ...(failed > 0 ? [`${failed} refused by the stream (last: ${lastError})`] : []),
    ];
    this.options.logger.warn(
      `dropped ${full + failed} audit event(s): ${reasons.join(', ')}; ${this.droppedFull + this.droppedFailed} dropped since start`,
    );
  }
}

/** The error's class and code (e.g. `NatsError 503`): its message could quote what was sent. */
function errorClass(err: unknown): string {
  if (!(err instanceof Error)) return 'error';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? `${err.name} ${String(code).slice(0, 32)}` : err.name;
}
