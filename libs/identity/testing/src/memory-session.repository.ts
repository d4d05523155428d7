import type { Session, SessionRevokeReason } from '@ferry/identity/domain';
import type { SessionRepository } from '@ferry/identity/application';
import { type Staged, stageRows } from './staged-rows';

interface SessionRow {
  session: Session;
  currentHash: string;
  spentHashes: Set<string>;
}

/** In-memory SessionRepository: rotation spends a token once, a spent token reports `reused`, an ended session `ended`. */
export class MemorySessionRepository implements SessionRepository {
  constructor(private readonly rows = new Map<string, SessionRow>()) {}

  /** A copy for one unit of work (MemoryUnitOfWork): its writes reach this repository on commit. */
  stage(): Staged<MemorySessionRepository> {
    return stageRows(this.rows, (rows) => new MemorySessionRepository(rows));
  }

  /** Test helper: every stored session. */
  all(): Session[] {
    return [...this.rows.values()].map((r) => r.session);
  }

  /** Test helper: the hash of the session's current refresh token. */
  currentTokenHash(id: string): string | undefined {
    return this.rows.get(id)?.currentHash;
  }

  async insert(session: Session, refreshTokenHash: string): Promise<void> {
    if (this.rows.has(session.id)) throw new Error(`session ${session.id} exists`);
    this.rows.set(session.id, {
      session: { ...session },
      currentHash: refreshTokenHash,
      spentHashes: new Set(),
    });
  }

  async findById(id: string): Promise<Session | null> {
    const row = this.rows.get(id);
    return row ? { ...row.session } : null;
  }

  async rotateRefreshToken(
    tokenHash: string,
    nextTokenHash: string,
    now: Date,
    idleExpiresAt: Date,
  ): Promise<
    | { outcome: 'rotated'; session: Session }
    | { outcome: 'reused'; session: Session }
    | { outcome: 'ended'; session: Session }
    | { outcome: 'unknown' }
  > {
    for (const row of this.rows.values()) {
      if (row.spentHashes.has(tokenHash)) return { outcome: 'reused', session: { ...row.session } };
      if (row.currentHash !== tokenHash) continue;
      const s = row.session;
      if (s.revokedAt !== null || s.idleExpiresAt <= now || s.absoluteExpiresAt <= now)
        return { outcome: 'ended', session: { ...s } };
      row.spentHashes.add(tokenHash);
      row.currentHash = nextTokenHash;
      row.session = { ...s, lastUsedAt: now, idleExpiresAt };
      return { outcome: 'rotated', session: { ...row.session } };
    }
    return { outcome: 'unknown' };
  }

  async revoke(id: string, reason: SessionRevokeReason, now: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row && row.session.revokedAt === null)
      row.session = { ...row.session, revokedAt: now, revokeReason: reason };
  }

  async revokeAllForAccount(accountId: string, reason: SessionRevokeReason, now: Date): Promise<readonly string[]> {
    const ended: string[] = [];
    for (const row of this.rows.values()) {
      const s = row.session;
      if (
        s.accountId !== accountId ||
        s.revokedAt !== null ||
        s.absoluteExpiresAt <= now ||
        s.idleExpiresAt <= now
      )
        continue;
      row.session = { ...s, revokedAt: now, revokeReason: reason };
      ended.push(s.id);
    }
    return ended;
  }
}
