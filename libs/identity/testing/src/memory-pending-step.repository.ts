import type { PendingPurpose } from '@ferry/identity/domain';
import type { PendingStepRepository } from '@ferry/identity/application';

interface PendingRow {
  accountId: string;
  orgId: string | null;
  purpose: PendingPurpose;
  amr: readonly string[];
  expiresAt: Date;
  attempts: number;
}

/** In-memory PendingStepRepository: steps are found by hash and purpose while live, and consumed once. */
export class MemoryPendingStepRepository implements PendingStepRepository {
  private readonly rows = new Map<string, PendingRow>();

  /** Test helper: how many steps are stored (live or not). */
  get size(): number {
    return this.rows.size;
  }

  /** Test helper: the stored token hashes. */
  hashes(): string[] {
    return [...this.rows.keys()];
  }

  async insert(step: {
    tokenHash: string;
    accountId: string;
    orgId: string | null;
    purpose: PendingPurpose;
    amr: readonly string[];
    expiresAt: Date;
  }): Promise<void> {
    this.rows.set(step.tokenHash, {
      accountId: step.accountId,
      orgId: step.orgId,
      purpose: step.purpose,
      amr: [...step.amr],
      expiresAt: step.expiresAt,
      attempts: 0,
    });
  }

  async find(
    tokenHash: string,
    purpose: PendingPurpose,
    now: Date,
  ): Promise<{ accountId: string; orgId: string | null; amr: readonly string[]; attempts: number } | null> {
    const row = this.rows.get(tokenHash);
    if (!row || row.purpose !== purpose || row.expiresAt <= now) return null;
    return { accountId: row.accountId, orgId: row.orgId, amr: [...row.amr], attempts: row.attempts };
  }

  async recordFailedAttempt(tokenHash: string): Promise<number> {
    const row = this.rows.get(tokenHash);
    if (!row) return Number.MAX_SAFE_INTEGER;
    row.attempts += 1;
    return row.attempts;
  }

  async consume(tokenHash: string): Promise<boolean> {
    return this.rows.delete(tokenHash);
  }
}
