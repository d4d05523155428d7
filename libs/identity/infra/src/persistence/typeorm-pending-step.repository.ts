import { Inject, Injectable } from '@nestjs/common';
import type { PendingStepRepository } from '@ferry/identity/application';
import type { PendingPurpose } from '@ferry/identity/domain';
import { DataSource, MoreThan } from 'typeorm';
import { PendingStepEntity } from './pending-step.entity';
import { returnedRows } from './sql-dialect';

/** Pending MFA/enrolment steps, keyed by token hash; consuming one is a single DELETE. */
@Injectable()
export class TypeormPendingStepRepository implements PendingStepRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async insert(step: {
    tokenHash: string;
    accountId: string;
    orgId: string | null;
    purpose: PendingPurpose;
    amr: readonly string[];
    expiresAt: Date;
  }): Promise<void> {
    await this.db.getRepository(PendingStepEntity).insert({ ...step, amr: step.amr.join(' '), attempts: 0 });
  }

  async find(
    tokenHash: string,
    purpose: PendingPurpose,
    now: Date,
  ): Promise<{ accountId: string; orgId: string | null; amr: readonly string[]; attempts: number } | null> {
    const row = await this.db
      .getRepository(PendingStepEntity)
      .findOne({ where: { tokenHash, purpose, expiresAt: MoreThan(now) } });
    return row
      ? {
          accountId: row.accountId,
          orgId: row.orgId,
          amr: row.amr === '' ? [] : row.amr.split(' '),
          attempts: row.attempts,
        }
      : null;
  }

  /** The new count, read back from the same UPDATE; 0 when the step no longer exists. */
  async recordFailedAttempt(tokenHash: string): Promise<number> {
    const mssql = this.db.options.type === 'mssql';
    const result = await this.db
      .createQueryBuilder()
      .update(PendingStepEntity)
      .set({ attempts: () => 'attempts + 1' })
      .where('token_hash = :tokenHash', { tokenHash })
      .returning(mssql ? 'INSERTED.attempts' : 'attempts')
      .execute();
    const [row] = returnedRows(result.raw);
    return row ? Number(row['attempts']) : 0;
  }

  async consume(tokenHash: string): Promise<boolean> {
    const result = await this.db.getRepository(PendingStepEntity).delete({ tokenHash });
    return result.affected === 1;
  }

  /** Housekeeping (not a port call): deletes steps that expired before `now`. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(PendingStepEntity)
      .where('expires_at <= :now', { now })
      .execute();
    return result.affected ?? 0;
  }
}
