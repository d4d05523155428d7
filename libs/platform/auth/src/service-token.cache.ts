/** What a verified service token established. */
export interface VerifiedServiceToken {
  /** The calling service's name (`migration`, not `svc:migration`). */
  readonly service: string;
  /** The token's `jti`, for audit records and replay bookkeeping. */
  readonly tokenId: string;
  /** When the token stops being accepted (its `exp`, before clock tolerance). */
  readonly expiresAt: Date;
}

interface Entry {
  readonly service: string;
  readonly tokenId: string;
  readonly expiresAtSeconds: number;
}

/**
 * Tokens already verified, so a caller reusing its token (one per ~4 minutes) costs a map lookup
 * instead of an ECDSA verification. Bounded: when full, the oldest entry goes first, which is also
 * about the soonest to expire since every token lives 5 minutes. Entries are keyed by the whole
 * token string, so only a byte-identical token hits.
 */
export class VerifiedServiceTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new Error('the verified service token cache size must be a non-negative integer');
    }
  }

  /**
   * The cached result for `token`, 'expired' when it is cached but `exp` has passed (beyond the
   * tolerance; the entry is dropped), or undefined when it is not cached.
   */
  get(
    token: string,
    nowSeconds: number,
    toleranceSeconds: number,
  ): VerifiedServiceToken | 'expired' | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    // The same rule as the full check (jose's): accepted while exp > now - tolerance.
    if (entry.expiresAtSeconds <= nowSeconds - toleranceSeconds) {
      this.entries.delete(token);
      return 'expired';
    }
    return {
      service: entry.service,
      tokenId: entry.tokenId,
      expiresAt: new Date(entry.expiresAtSeconds * 1000),
    };
  }

  /** Remembers a token that passed every check. */
  set(token: string, service: string, tokenId: string, expiresAtSeconds: number): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(token);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(token, { service, tokenId, expiresAtSeconds });
  }

  /** How many tokens are held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }
}
