import { actionUnder, auditFilterProblems, auditFilterScope, type AuditQueryFilter, matchesAuditFilter, sessionIdProblem } from './audit-query';
import type { AuditEventSummary } from './audit-record';

const record: AuditEventSummary = {
  id: '3f1e2d3c-4b5a-4968-8776-655443322110',
  orgId: '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f',
  occurredAt: new Date('2026-01-01T10:00:00Z'),
  action: 'auth.signin.succeeded',
  outcome: 'success',
  actorKind: 'account',
  actorId: 'acc-1',
  targetType: 'session',
  targetId: 's-1',
  sessionId: 's-1',
};

describe('audit query filters', () => {
  it('matches an action prefix only on dotted boundaries, and the exact action', () => {
    expect(actionUnder('auth.signin.succeeded', 'auth')).toBe(true);
    expect(actionUnder('auth.signin.succeeded', 'auth.signin')).toBe(true);
    expect(actionUnder('auth.signin.succeeded', 'auth.signin.succeeded')).toBe(true);
    expect(actionUnder('authz.permission.denied', 'auth')).toBe(false);
    expect(actionUnder('auth.signin.succeeded', 'auth.sign')).toBe(false);
  });

  it('takes from as inclusive and to as exclusive', () => {
    const at = record.occurredAt;
    expect(matchesAuditFilter(record, { from: at })).toBe(true);
    expect(matchesAuditFilter(record, { to: at })).toBe(false);
    expect(matchesAuditFilter(record, { to: new Date(at.getTime() + 1) })).toBe(true);
  });

  it('requires every field given to hold', () => {
    expect(matchesAuditFilter(record, { actorId: 'acc-1', targetType: 'session', targetId: 's-1', outcome: 'success', action: 'auth' })).toBe(true);
    expect(matchesAuditFilter(record, { actorId: 'acc-1', outcome: 'denied' })).toBe(false);
    expect(matchesAuditFilter(record, { targetType: 'session', targetId: 's-2' })).toBe(false);
    expect(matchesAuditFilter(record, { actorId: 'ACC-1' })).toBe(false);
  });

  it('accepts a well-formed filter, and an empty one', () => {
    expect(auditFilterProblems({})).toEqual([]);
    expect(
      auditFilterProblems({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z'), actorId: 'svc:migration', action: 'migration.pass', targetType: 'route', targetId: '/api/v1/orgs/:org/x', outcome: 'denied' }),
    ).toEqual([]);
  });

  it.each<[string, AuditQueryFilter]>([
    ['to', { from: new Date('2026-01-02T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') }],
    ['from', { from: new Date('1969-12-31T23:59:59Z') }],
    ['to', { to: new Date(Number.NaN) }],
    ['to', { to: new Date('+010000-01-01T00:00:00Z') }],
    ['actor', { actorId: '' }],
    ['actor', { actorId: 'a b' }],
    ['actor', { actorId: 'a\u0000' }],
    ['actor', { actorId: 'a\u200b' }],
    ['actor', { actorId: 'a'.repeat(257) }],
    ['action', { action: 'Auth' }],
    ['action', { action: 'auth.' }],
    ['action', { action: 'auth%' }],
    ['action', { action: 'a_%' }],
    ['action', { action: `a.${'b'.repeat(127)}` }],
    ['target', { targetType: 'Connector' }],
    ['target', { targetType: 'c'.repeat(65) }],
    ['target', { targetId: 'c-1' }],
    ['target', { targetType: 'connector', targetId: 'c'.repeat(257) }],
    ['outcome', { outcome: 'unspecified' as never }],
  ])('refuses a bad %s', (field, filter) => {
    expect(auditFilterProblems(filter).map((v) => v.field)).toContain(field);
  });

  it('keeps the longest values the columns hold', () => {
    expect(auditFilterProblems({ actorId: 'a'.repeat(256), targetType: 't'.repeat(64), targetId: 'i'.repeat(256) })).toEqual([]);
    expect(sessionIdProblem('s'.repeat(128))).toBeUndefined();
    expect(sessionIdProblem('s'.repeat(129))).toMatchObject({ field: 'session' });
    expect(sessionIdProblem('')).toMatchObject({ field: 'session' });
  });

  it('gives equal filters the same scope and different ones different scopes', () => {
    const a = auditFilterScope({ actorId: 'acc-1', from: new Date('2026-01-01T00:00:00Z') });
    expect(auditFilterScope({ from: new Date('2026-01-01T00:00:00.000Z'), actorId: 'acc-1' })).toBe(a);
    expect(auditFilterScope({ actorId: 'acc-1' })).not.toBe(a);
    expect(auditFilterScope({ targetType: 'a', targetId: 'b' })).not.toBe(auditFilterScope({ targetType: 'a:b' }));
  });
});
