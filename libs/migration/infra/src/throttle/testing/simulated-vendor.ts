import type { RequestOutcome } from '@ferry/migration/application';
import type { ScopeBudget } from '@ferry/migration/domain';

interface Bucket {
  tokens: number;
  at: number;
  readonly capacity: number;
  readonly perMs: number;
}

/**
 * A vendor enforcing one scope's documented limits the way the sandbox does: token buckets that
 * start full (count per period), a concurrency cap, a throttled request charged nothing and answered
 * with the Retry-After until the bucket holds enough. It answers after `latencyMs`.
 */
export class SimulatedVendor {
  admitted = 0;
  throttled = 0;
  bytes = 0;
  private inFlight = 0;
  private readonly rate: Bucket | undefined;
  private readonly upload: Bucket | undefined;

  constructor(
    private readonly budget: ScopeBudget,
    private readonly latencyMs: number,
    private readonly now: () => number = Date.now,
  ) {
    const start = now();
    if (budget.rate) this.rate = { tokens: budget.rate.count, at: start, capacity: budget.rate.count, perMs: budget.rate.count / (budget.rate.perSeconds * 1000) };
    if (budget.uploadBytes) this.upload = { tokens: budget.uploadBytes.bytes, at: start, capacity: budget.uploadBytes.bytes, perMs: budget.uploadBytes.bytes / (budget.uploadBytes.perSeconds * 1000) };
  }

  async send(uploadBytes: number): Promise<RequestOutcome> {
    const answer = this.admit(uploadBytes);
    if (answer.kind === 'ok') this.inFlight++;
    await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (answer.kind === 'ok') this.inFlight--;
    return answer;
  }

  private admit(uploadBytes: number): RequestOutcome {
    const now = this.now();
    if (this.budget.concurrent !== undefined && this.inFlight >= this.budget.concurrent) return this.refuse(1000);
    const waits = [this.waitMs(this.rate, 1, now), uploadBytes > 0 ? this.waitMs(this.upload, uploadBytes, now) : 0];
    const wait = Math.max(...waits);
    if (wait > 0) return this.refuse(Math.ceil(wait / 1000) * 1000);
    if (this.rate) this.rate.tokens -= 1;
    if (this.upload && uploadBytes > 0) this.upload.tokens -= uploadBytes;
    this.admitted++;
    this.bytes += uploadBytes;
    return { kind: 'ok' };
  }

  private refuse(retryAfterMs: number): RequestOutcome {
    this.throttled++;
    return { kind: 'throttled', retryAfterMs };
  }

  private waitMs(bucket: Bucket | undefined, cost: number, now: number): number {
    if (!bucket) return 0;
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.at) * bucket.perMs);
    bucket.at = now;
    const need = Math.min(cost, bucket.capacity);
    return bucket.tokens >= need ? 0 : (need - bucket.tokens) / bucket.perMs;
  }
}
