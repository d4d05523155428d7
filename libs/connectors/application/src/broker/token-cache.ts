import type { IssuedToken } from '@ferry/providers/core';
import type { Clock } from '../connector.ports';

export interface TokenCacheOptions {
  /** Refresh a token this long before it expires (default 5 minutes; a quarter of its life if that is shorter). */
  readonly refreshMarginMs?: number;
  /** Entries kept; the least recently used go first (default 10,000). */
  readonly maxEntries?: number;
}

interface Entry {
  token: IssuedToken;
  issuedAt: number;
  /** Per service, the first handover of this very token (its audit): run once, awaited by every request. */
  readonly handovers: Map<string, Promise<void>>;
}

/**
 * Access tokens in the connectors process's memory only, until shortly before they expire. Refreshes are
 * single-flight: concurrent requests for one key share one call to the provider.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly margin: number;
  private readonly max: number;

  constructor(
    private readonly clock: Clock,
    options: TokenCacheOptions = {},
  ) {
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
    this.max = options.maxEntries ?? 10_000;
  }

  /**
   * The cached token for `key` or a new one from `fetch`. The first time this token goes to `service`,
   * `handover` runs (the caller audits there) and `firstFor` is true. Every request of that service waits
   * for it: when it fails none of them gets the token, and the next request runs it again.
   */
  async get(
    key: string,
    service: string,
    fetch: () => Promise<IssuedToken>,
    handover: (token: IssuedToken) => Promise<void> = async () => undefined,
  ): Promise<{ token: IssuedToken; cached: boolean; firstFor: boolean }> {
    let entry = this.fresh(key);
    const cached = entry !== undefined;
    if (!entry) {
      let pending = this.inflight.get(key);
      if (!pending) {
        pending = fetch().then((token) => this.store(key, token));
        this.inflight.set(key, pending);
        // Whatever the outcome, the next request after this one starts its own fetch.
        const clear = () => {
          if (this.inflight.get(key) === pending) this.inflight.delete(key);
        };
        pending.then(clear, clear);
      }
      entry = await pending;
    }
    const served = entry;
    let first = served.handovers.get(service);
    const firstFor = first === undefined;
    if (!first) {
      const running = handover(served.token);
      served.handovers.set(service, running);
      running.catch(() => {
        if (served.handovers.get(service) === running) served.handovers.delete(service);
      });
      first = running;
    }
    await first;
    return { token: served.token, cached, firstFor };
  }

  get size(): number {
    return this.entries.size;
  }

  private fresh(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.clock.now().getTime();
    const expires = entry.token.expiresAt.getTime();
    const margin = Math.min(this.margin, (expires - entry.issuedAt) / 4);
    if (expires - now <= margin) {
      this.entries.delete(key);
      return undefined;
    }
    // Map order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  private store(key: string, token: IssuedToken): Entry {
    const entry: Entry = { token, issuedAt: this.clock.now().getTime(), handovers: new Map() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}
