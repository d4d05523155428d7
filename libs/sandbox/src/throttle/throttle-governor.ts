import type { Clock } from '../identity/clock';
import { DEFAULT_LIMITS, type LimitName, type LimitOverride, type LimitSpec } from './limits';

/** Whom a request is charged to. `tenant` is the Entra tenant or Google customer id. */
export interface ThrottleSubject {
  readonly tenant: string;
  readonly app: string;
  readonly user?: string;
}

export interface ThrottleRequest {
  readonly limits: readonly LimitName[];
  readonly subject: ThrottleSubject;
  readonly units: number;
  readonly uploadBytes: number;
}

export type ThrottleDecision =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly limit: LimitName; readonly reason: 'rate' | 'concurrency' | 'upload'; readonly retryAfterS: number };

interface Bucket {
  tokens: number;
  last: number;
}

export interface ThrottleStats {
  readonly admitted: number;
  readonly throttled: Readonly<Record<string, number>>;
}

/**
 * Token buckets and concurrency counters per (limit, tenant, app, user). A request is admitted only
 * when every limit it falls under admits it; a throttled request consumes nothing, and its
 * Retry-After is the time until the binding bucket holds enough.
 */
export class ThrottleGovernor {
  enabled = true;
  private overrides: LimitOverride[] = [];
  private readonly buckets = new Map<string, Bucket>();
  private readonly inFlight = new Map<string, number>();
  private admitted = 0;
  private readonly throttled: Record<string, number> = {};

  constructor(private readonly clock: Clock) {}

  setOverrides(overrides: readonly LimitOverride[]): void {
    this.overrides = [...overrides];
    this.buckets.clear();
  }

  getOverrides(): readonly LimitOverride[] {
    return this.overrides;
  }

  stats(): ThrottleStats {
    return { admitted: this.admitted, throttled: { ...this.throttled } };
  }

  specFor(limit: LimitName, s: ThrottleSubject): LimitSpec {
    let best: LimitOverride | undefined;
    let bestScore = -1;
    for (const o of this.overrides) {
      if (o.limit !== limit) continue;
      if ((o.tenant && o.tenant !== s.tenant) || (o.app && o.app !== s.app) || (o.user && o.user.toLowerCase() !== s.user?.toLowerCase())) continue;
      const score = (o.user ? 4 : 0) + (o.app ? 2 : 0) + (o.tenant ? 1 : 0);
      if (score > bestScore) {
        best = o;
        bestScore = score;
      }
    }
    return best?.spec ?? DEFAULT_LIMITS[limit];
  }

  admit(req: ThrottleRequest): ThrottleDecision {
    if (!this.enabled || req.limits.length === 0) return { ok: true, release: () => undefined };
    const now = this.clock.now();
    const plan: Array<{ key: string; spec: LimitSpec; limit: LimitName }> = req.limits.map((limit) => {
      const perUser = limit.endsWith('.user') || limit === 'graph.mailbox';
      const user = perUser ? (req.subject.user ?? '').toLowerCase() : '';
      return { key: `${limit}|${req.subject.tenant}|${req.subject.app}|${user}`, spec: this.specFor(limit, req.subject), limit };
    });
    // Check everything first, so a refused request charges no bucket.
    for (const { key, spec, limit } of plan) {
      if (spec.concurrent !== undefined && (this.inFlight.get(key) ?? 0) >= spec.concurrent) {
        return this.refuse(limit, 'concurrency', 1);
      }
      if (spec.rate) {
        const wait = this.waitFor(`${key}|rate`, spec.rate.count, spec.rate.perSeconds, req.units, now);
        if (wait > 0) return this.refuse(limit, 'rate', wait);
      }
      if (spec.uploadBytes && req.uploadBytes > 0) {
        const wait = this.waitFor(`${key}|upload`, spec.uploadBytes.bytes, spec.uploadBytes.perSeconds, req.uploadBytes, now);
        if (wait > 0) return this.refuse(limit, 'upload', wait);
      }
    }
    const held: string[] = [];
    for (const { key, spec } of plan) {
      if (spec.rate) this.take(`${key}|rate`, req.units);
      if (spec.uploadBytes && req.uploadBytes > 0) this.take(`${key}|upload`, req.uploadBytes);
      if (spec.concurrent !== undefined) {
        this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
        held.push(key);
      }
    }
    this.admitted += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const key of held) this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
      },
    };
  }

  private refuse(limit: LimitName, reason: 'rate' | 'concurrency' | 'upload', retryAfterS: number): ThrottleDecision {
    this.throttled[limit] = (this.throttled[limit] ?? 0) + 1;
    return { ok: false, limit, reason, retryAfterS: Math.max(1, Math.ceil(retryAfterS)) };
  }

  /** Seconds until the bucket holds `cost`, refilling first; 0 when it already does. */
  private waitFor(key: string, capacity: number, perSeconds: number, cost: number, now: number): number {
    const perMs = capacity / (perSeconds * 1000);
    const b = this.buckets.get(key) ?? { tokens: capacity, last: now };
    b.tokens = Math.min(capacity, b.tokens + (now - b.last) * perMs);
    b.last = now;
    this.buckets.set(key, b);
    // A single request larger than the whole budget is admitted when the bucket is full.
    const need = Math.min(cost, capacity);
    return b.tokens >= need ? 0 : (need - b.tokens) / perMs / 1000;
  }

  private take(key: string, cost: number): void {
    const b = this.buckets.get(key);
    if (b) b.tokens -= cost;
  }
}
