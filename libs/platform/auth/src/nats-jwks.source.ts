import { Rpc } from '@ferry/contracts';
import type { MessagingClient, MessagingLogger } from '@ferry/platform/messaging';
import { KeySourceUnavailableError } from './errors';
import type { JwksSource, VerificationKey } from './jwks-source';
import { parseJwkSet } from './jwk-set.parser';

/** Tuning for {@link NatsJwksSource}. */
export interface NatsJwksSourceOptions {
  /** How long a fetched JWK Set is used before it is fetched again. Default 5 minutes. */
  readonly cacheMs?: number;
  /**
   * Least time between two fetches, whatever asks for them (unknown kids, expiry, failures), so a
   * flood of tokens with made-up kids cannot hammer identity. Default 10 seconds.
   */
  readonly minRefetchIntervalMs?: number;
  /** Timeout of one JWKS request. Default: the messaging client's request timeout. */
  readonly requestTimeoutMs?: number;
  readonly logger?: MessagingLogger;
}

interface KeyCache {
  readonly keys: ReadonlyMap<string, VerificationKey>;
  readonly fetchedAt: number;
}

/**
 * Identity's public signing keys, fetched over NATS (`identity.v1.rpc.jwks.get`) and cached. A kid
 * not in the cache triggers one refetch (rate-limited), which is how a rotated-in key is picked up.
 * When identity cannot be reached the last keys stay in use; with none yet, lookups fail with
 * KeySourceUnavailableError.
 */
export class NatsJwksSource implements JwksSource {
  private cache: KeyCache | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly cacheMs: number;
  private readonly minIntervalMs: number;

  constructor(
    private readonly messaging: MessagingClient,
    private readonly options: NatsJwksSourceOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.minIntervalMs = options.minRefetchIntervalMs ?? 10_000;
    if (!(this.cacheMs > 0) || !(this.minIntervalMs >= 0))
      throw new Error('NatsJwksSource: cacheMs must be > 0 and minRefetchIntervalMs >= 0');
  }

  async getKey(kid: string): Promise<VerificationKey | null> {
    if (!this.cache || Date.now() - this.cache.fetchedAt >= this.cacheMs) await this.refresh();
    let key = this.cache?.keys.get(kid);
    if (!key) {
      // An unknown kid may be a freshly rotated key: look once more, unless we looked very recently.
      await this.refresh();
      key = this.cache?.keys.get(kid);
    }
    if (!this.cache) throw new KeySourceUnavailableError();
    return key ?? null;
  }

  /** Fetches unless a fetch is running (then waits for it) or the last one started too recently. */
  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.lastAttemptAt < this.minIntervalMs) return Promise.resolve();
    this.lastAttemptAt = Date.now();
    this.inFlight = this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(): Promise<void> {
    try {
      const timeout = this.options.requestTimeoutMs;
      const response = await this.messaging.request(
        Rpc.identity.jwks,
        {},
        timeout === undefined ? {} : { timeoutMs: timeout },
      );
      const keys = await parseJwkSet(response.jwksJson);
      this.cache = { keys, fetchedAt: Date.now() };
    } catch (err) {
      // Keep the last keys: tokens signed with them stay verifiable while identity is away.
      this.options.logger?.warn(
        `could not refresh identity's JWKS: ${(err as Error)?.message ?? 'error'}`,
        'NatsJwksSource',
      );
    }
  }
}
