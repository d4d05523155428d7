import type { SsoTransaction, SsoTransactionRepository } from '@ferry/identity/application';

/** In-memory SsoTransactionRepository: `take` returns a live transaction once and removes it. */
export class MemorySsoTransactionRepository implements SsoTransactionRepository {
  private readonly rows = new Map<string, SsoTransaction>();

  /** Test helper: how many transactions are stored. */
  get size(): number {
    return this.rows.size;
  }

  async insert(tx: SsoTransaction): Promise<void> {
    this.rows.set(tx.stateHash, { ...tx });
  }

  async take(stateHash: string, now: Date): Promise<SsoTransaction | null> {
    const tx = this.rows.get(stateHash);
    if (!tx) return null;
    this.rows.delete(stateHash);
    return tx.expiresAt > now ? tx : null;
  }
}
