import { Inject, Injectable } from '@nestjs/common';
import type { SessionRepository } from '@ferry/identity/application';
import type { Session, SessionRevokeReason } from '@ferry/identity/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';
import { SessionEntity } from './session.entity';
import { dialectOf, quotedTable, returnedRows } from './sql-dialect';
import { managerOf } from './unit-of-work-manager';

type RotateOutcome = Awaited<ReturnType<SessionRepository['rotateRefreshToken']>>;

/**
 * Sessions and their refresh-token families. Every token a session issued is kept (hashed) with a
 * spent flag; rotation spends the presented token with one conditional UPDATE, so of two concurrent
 * rotations of the same token exactly one sees it unspent. Over the data source or a unit of work's
 * manager.
 */
@Injectable()
export class TypeormSessionRepository implements SessionRepository {
  private readonly db: EntityManager;

  constructor(@Inject(DataSource) db: DataSource | EntityManager) {
    this.db = managerOf(db);
  }

  async insert(session: Session, refreshTokenHash: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(SessionEntity, { ...session, amr: session.amr.join(' ') });
      await tx.insert(RefreshTokenEntity, {
        tokenHash: refreshTokenHash,
        sessionId: session.id,
        spent: false,
        issuedAt: session.createdAt,
        spentAt: null,
      });
    });
  }

  async findById(id: string): Promise<Session | null> {
    const row = await this.db.getRepository(SessionEntity).findOne({ where: { id } });
    return row ? toSession(row) : null;
  }

  async rotateRefreshToken(
    tokenHash: string,
    nextTokenHash: string,
    now: Date,
    idleExpiresAt: Date,
  ): Promise<RotateOutcome> {
    const rotated = await this.db.transaction(async (tx) => {
      // One statement spends the token only if it is unspent and its session is live at `now`; the
      // row lock it takes makes a concurrent rotation wait, then find the token spent.
      const spent = await tx
        .createQueryBuilder()
        .update(RefreshTokenEntity)
        .set({ spent: true, spentAt: now })
        .where('token_hash = :tokenHash', { tokenHash })
        .andWhere('spent = :unspent', { unspent: false })
        .andWhere(
          `EXISTS (SELECT 1 FROM ${quotedTable(this.db.dataSource, SessionEntity)} s WHERE s.id = session_id AND s.revoked_at IS NULL AND s.idle_expires_at > :now AND s.absolute_expires_at > :now)`,
          { now },
        )
        .execute();
      if (spent.affected !== 1) return null;
      const token = await tx.findOneOrFail(RefreshTokenEntity, { where: { tokenHash } });
      await tx.insert(RefreshTokenEntity, {
        tokenHash: nextTokenHash,
        sessionId: token.sessionId,
        spent: false,
        issuedAt: now,
        spentAt: null,
      });
      await tx.update(SessionEntity, { id: token.sessionId }, { lastUsedAt: now, idleExpiresAt });
      return tx.findOneOrFail(SessionEntity, { where: { id: token.sessionId } });
    });
    if (rotated) return { outcome: 'rotated', session: toSession(rotated) };
    const token = await this.db
      .getRepository(RefreshTokenEntity)
      .findOne({ where: { tokenHash }, select: { tokenHash: true, sessionId: true, spent: true } });
    const session = token ? await this.findById(token.sessionId) : null;
    if (!token || !session) return { outcome: 'unknown' };
    // Not rotated: either spent before (reuse), or current but its session has ended.
    return token.spent ? { outcome: 'reused', session } : { outcome: 'ended', session };
  }

  async revoke(id: string, reason: SessionRevokeReason, now: Date): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: now, revokeReason: reason })
      .where('id = :id', { id })
      .andWhere('revoked_at IS NULL')
      .execute();
  }

  /** The ended sessions' ids are read back from the same UPDATE, so none is named that it did not end. */
  async revokeAllForAccount(accountId: string, reason: SessionRevokeReason, now: Date): Promise<readonly string[]> {
    const result = await this.db
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: now, revokeReason: reason })
      .where('account_id = :accountId', { accountId })
      .andWhere('revoked_at IS NULL')
      .andWhere('idle_expires_at > :now AND absolute_expires_at > :now', { now })
      .returning(dialectOf(this.db.dataSource) === 'mssql' ? 'INSERTED.id' : 'id')
      .execute();
    return returnedRows(result.raw).map((row) => String(row['id']));
  }

  /** Housekeeping (not a port call): deletes sessions that expired or were revoked before `cutoff`, with their tokens. */
  async purgeEndedBefore(cutoff: Date): Promise<number> {
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(SessionEntity)
      .where('absolute_expires_at < :cutoff OR idle_expires_at < :cutoff OR revoked_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }
}

function toSession(row: SessionEntity): Session {
  return {
    id: row.id,
    accountId: row.accountId,
    orgId: row.orgId,
    amr: row.amr === '' ? [] : row.amr.split(' '),
    subjectPseudonym: row.subjectPseudonym,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    idleExpiresAt: row.idleExpiresAt,
    absoluteExpiresAt: row.absoluteExpiresAt,
    revokedAt: row.revokedAt,
    revokeReason: row.revokeReason,
  };
}
