import { anAccount, aSession } from '../testing/identity-fixtures';
import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormSessionRepository } from './typeorm-session.repository';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const hash = (label: string) => label.padEnd(64, '0');

describe('session storage on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let sessions: TypeormSessionRepository;
  let replica: TypeormSessionRepository;
  let accountId: string;

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_sessions', 2);
    sessions = new TypeormSessionRepository(t.db);
    replica = new TypeormSessionRepository(t.sources[1]!);
    const account = anAccount();
    await new TypeormAccountRepository(t.db, t.cipher).insert(account, 'h');
    accountId = account.id;
  });
  afterAll(async () => {
    await t.close();
  });

  let n = 0;
  const started = async (overrides: Parameters<typeof aSession>[2] = {}) => {
    n += 1;
    const session = aSession(accountId, NOW, overrides);
    await sessions.insert(session, hash(`t${n}a`));
    return { session, token: hash(`t${n}a`), next: hash(`t${n}b`), third: hash(`t${n}c`) };
  };

  it('reads back a session', async () => {
    const { session } = await started({ subjectPseudonym: 'ab'.repeat(32), amr: ['fed'] });
    await expect(sessions.findById(session.id)).resolves.toEqual(session);
    await expect(sessions.findById('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('rotates the current token, moving the idle deadline, and then treats the spent one as reused', async () => {
    const { session, token, next, third } = await started();
    const idle = later(31 * 60_000);
    const rotated = await sessions.rotateRefreshToken(token, next, later(60_000), idle);
    expect(rotated).toEqual({
      outcome: 'rotated',
      session: { ...session, lastUsedAt: later(60_000), idleExpiresAt: idle },
    });
    await expect(sessions.rotateRefreshToken(token, third, later(120_000), idle)).resolves.toMatchObject({
      outcome: 'reused',
      session: { id: session.id },
    });
    await expect(sessions.rotateRefreshToken(next, third, later(120_000), idle)).resolves.toMatchObject({
      outcome: 'rotated',
      session: { id: session.id },
    });
  });

  it('answers unknown for a token no session issued', async () => {
    await expect(sessions.rotateRefreshToken(hash('never'), hash('x'), NOW, later(1))).resolves.toEqual({
      outcome: 'unknown',
    });
  });

  it('gives exactly one rotated and one reused to two replicas rotating the same token at once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { token } = await started();
      const outcomes = await Promise.all([
        sessions.rotateRefreshToken(token, hash(`race${round}a`), later(1000), later(31 * 60_000)),
        replica.rotateRefreshToken(token, hash(`race${round}b`), later(1000), later(31 * 60_000)),
      ]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['reused', 'rotated']);
    }
  });

  it('does not rotate the token of a revoked session: ended', async () => {
    const { session, token, next } = await started();
    await sessions.revoke(session.id, 'signed-out', later(1000));
    const outcome = await sessions.rotateRefreshToken(token, next, later(2000), later(31 * 60_000));
    expect(outcome).toMatchObject({
      outcome: 'ended',
      session: { id: session.id, revokedAt: later(1000), revokeReason: 'signed-out' },
    });
    // The token stays unspent, and the next token was never stored.
    await expect(
      sessions.rotateRefreshToken(next, hash('y'), later(3000), later(31 * 60_000)),
    ).resolves.toEqual({ outcome: 'unknown' });
  });

  it('does not rotate past the idle or the absolute deadline: ended', async () => {
    const idle = await started({ idleExpiresAt: later(30 * 60_000) });
    await expect(
      sessions.rotateRefreshToken(idle.token, idle.next, later(30 * 60_000), later(60 * 60_000)),
    ).resolves.toMatchObject({ outcome: 'ended' });
    const absolute = await started({
      idleExpiresAt: later(24 * 3_600_000),
      absoluteExpiresAt: later(3_600_000),
    });
    await expect(
      sessions.rotateRefreshToken(absolute.token, absolute.next, later(3_600_001), later(25 * 3_600_000)),
    ).resolves.toMatchObject({ outcome: 'ended' });
  });

  it('keeps the first revocation reason', async () => {
    const { session } = await started();
    await sessions.revoke(session.id, 'refresh-reused', later(1000));
    await sessions.revoke(session.id, 'signed-out', later(2000));
    await expect(sessions.findById(session.id)).resolves.toMatchObject({
      revokedAt: later(1000),
      revokeReason: 'refresh-reused',
    });
  });

  it('revokes every live session of an account and names the ones it ended', async () => {
    const other = anAccount();
    await new TypeormAccountRepository(t.db, t.cipher).insert(other, 'h');
    const live = [aSession(other.id, NOW), aSession(other.id, NOW)];
    const revoked = aSession(other.id, NOW, { revokedAt: NOW, revokeReason: 'signed-out' });
    const expired = aSession(other.id, NOW, { idleExpiresAt: later(1000) });
    for (const [i, s] of [...live, revoked, expired].entries()) await sessions.insert(s, hash(`acct${i}`));
    const bystander = await started();
    const ended = await sessions.revokeAllForAccount(other.id, 'mfa-reset', later(2000));
    expect([...ended].sort()).toEqual(live.map((s) => s.id).sort());
    await expect(sessions.findById(live[0]!.id)).resolves.toMatchObject({
      revokeReason: 'mfa-reset',
      revokedAt: later(2000),
    });
    await expect(sessions.findById(revoked.id)).resolves.toMatchObject({ revokeReason: 'signed-out' });
    await expect(sessions.findById(expired.id)).resolves.toMatchObject({ revokedAt: null });
    await expect(sessions.findById(bystander.session.id)).resolves.toMatchObject({ revokedAt: null });
  });

  it('purges sessions that ended before a cutoff, with their tokens', async () => {
    const ended = await started({ absoluteExpiresAt: later(1000), idleExpiresAt: later(1000) });
    const live = await started();
    await expect(sessions.purgeEndedBefore(later(2000))).resolves.toBeGreaterThanOrEqual(1);
    await expect(sessions.findById(ended.session.id)).resolves.toBeNull();
    await expect(sessions.findById(live.session.id)).resolves.not.toBeNull();
    await expect(
      sessions.rotateRefreshToken(ended.token, ended.next, later(3000), later(4000)),
    ).resolves.toEqual({ outcome: 'unknown' });
  });
});
