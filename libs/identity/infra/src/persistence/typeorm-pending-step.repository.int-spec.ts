import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';
import { TypeormPendingStepRepository } from './typeorm-pending-step.repository';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const ACCOUNT = '00000000-0000-4000-8000-000000000001';

describe('pending step storage on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let steps: TypeormPendingStepRepository;
  let replica: TypeormPendingStepRepository;

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_pending', 2);
    steps = new TypeormPendingStepRepository(t.db);
    replica = new TypeormPendingStepRepository(t.sources[1]!);
  });
  afterAll(async () => {
    await t.close();
  });

  const step = (
    tokenHash: string,
    overrides: { purpose?: 'mfa' | 'enrolment'; expiresAt?: Date; orgId?: string | null } = {},
  ) => ({
    tokenHash,
    accountId: ACCOUNT,
    orgId: ORG,
    purpose: 'mfa' as const,
    amr: ['pwd'],
    expiresAt: later(5 * 60_000),
    ...overrides,
  });

  it('finds a live step by hash and purpose only', async () => {
    await steps.insert(step('s1'));
    await steps.insert(step('s1-platform', { orgId: null, purpose: 'enrolment' }));
    await expect(steps.find('s1', 'mfa', NOW)).resolves.toEqual({
      accountId: ACCOUNT,
      orgId: ORG,
      amr: ['pwd'],
      attempts: 0,
    });
    await expect(steps.find('s1', 'enrolment', NOW)).resolves.toBeNull();
    await expect(steps.find('s1-platform', 'enrolment', NOW)).resolves.toMatchObject({ orgId: null });
    await expect(steps.find('nope', 'mfa', NOW)).resolves.toBeNull();
  });

  it('does not return an expired step', async () => {
    await steps.insert(step('s2', { expiresAt: later(1000) }));
    await expect(steps.find('s2', 'mfa', later(999))).resolves.not.toBeNull();
    await expect(steps.find('s2', 'mfa', later(1000))).resolves.toBeNull();
  });

  it('counts wrong answers, also from concurrent replicas, and reports each new count', async () => {
    await steps.insert(step('s3'));
    const counts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? replica : steps).recordFailedAttempt('s3')),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(steps.find('s3', 'mfa', NOW)).resolves.toMatchObject({ attempts: 6 });
    await expect(steps.recordFailedAttempt('gone')).resolves.toBe(0);
  });

  it('is consumed once: of concurrent answers only one wins', async () => {
    await steps.insert(step('s4'));
    const results = await Promise.all([steps.consume('s4'), replica.consume('s4'), steps.consume('s4')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await expect(steps.find('s4', 'mfa', NOW)).resolves.toBeNull();
  });

  it('purges expired steps only', async () => {
    await steps.insert(step('s5', { expiresAt: later(10) }));
    await steps.insert(step('s6'));
    await expect(steps.purgeExpired(later(60_000))).resolves.toBeGreaterThanOrEqual(1);
    await expect(steps.find('s5', 'mfa', NOW)).resolves.toBeNull();
    await expect(steps.find('s6', 'mfa', NOW)).resolves.not.toBeNull();
  });
});
