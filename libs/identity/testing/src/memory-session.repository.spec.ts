import type { Session } from '@ferry/identity/domain';
import { MemorySessionRepository } from './memory-session.repository';

const T0 = new Date('2025-01-15T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const session = (overrides: Partial<Session> = {}): Session => ({
  id: 's-1',
  accountId: 'a-1',
  orgId: 'o-1',
  amr: ['pwd'],
  subjectPseudonym: null,
  createdAt: T0,
  lastUsedAt: T0,
  idleExpiresAt: at(30_000),
  absoluteExpiresAt: at(100_000),
  revokedAt: null,
  revokeReason: null,
  ...overrides,
});

describe('the in-memory session repository', () => {
  it('rotates the current token once, then reports it as reused', async () => {
    const repo = new MemorySessionRepository();
    await repo.insert(session(), 'h1');
    expect(await repo.rotateRefreshToken('h1', 'h2', at(1000), at(31_000))).toMatchObject({
      outcome: 'rotated',
      session: { lastUsedAt: at(1000), idleExpiresAt: at(31_000) },
    });
    expect(await repo.rotateRefreshToken('h1', 'h3', at(2000), at(32_000))).toMatchObject({
      outcome: 'reused',
      session: { id: 's-1' },
    });
    expect(repo.currentTokenHash('s-1')).toBe('h2');
    expect(await repo.rotateRefreshToken('nope', 'h4', at(2000), at(32_000))).toEqual({ outcome: 'unknown' });
  });

  it('does not rotate a revoked or expired session', async () => {
    const repo = new MemorySessionRepository();
    await repo.insert(session(), 'h1');
    expect((await repo.rotateRefreshToken('h1', 'h2', at(30_000), at(60_000))).outcome).toBe('ended');
    await repo.insert(session({ id: 's-2' }), 'k1');
    await repo.revoke('s-2', 'signed-out', at(1));
    expect((await repo.rotateRefreshToken('k1', 'k2', at(2), at(3))).outcome).toBe('ended');
    expect(repo.currentTokenHash('s-2')).toBe('k1');
  });

  it('revokes only live sessions of the account and names them', async () => {
    const repo = new MemorySessionRepository();
    await repo.insert(session({ id: 'a' }), 'x1');
    await repo.insert(session({ id: 'b' }), 'x2');
    await repo.insert(session({ id: 'c', accountId: 'other' }), 'x3');
    await repo.revoke('b', 'signed-out', at(1));
    expect(await repo.revokeAllForAccount('a-1', 'admin-revoked', at(2))).toEqual(['a']);
    expect((await repo.findById('b'))?.revokeReason).toBe('signed-out');
    expect((await repo.findById('c'))?.revokedAt).toBeNull();
  });
});
