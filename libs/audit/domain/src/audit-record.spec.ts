import { decodeCursor, encodeCursor, pageSize } from './audit-cursor';
import { fitColumn, validateAuditEvent } from './audit-record';

const event = {
  id: '3f1e2d3c-4b5a-4968-8776-655443322110',
  orgId: '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f',
  occurredAt: new Date('2026-01-01T00:00:00Z'),
  action: 'connector.created',
  outcome: 'success' as const,
  actorKind: 'account' as const,
  actorId: 'acc-1',
  targetType: 'connector',
  targetId: 'c-1',
  sessionId: '',
};

describe('audit event validation', () => {
  it('accepts a well-formed event, including an installation-level one without org', () => {
    expect(validateAuditEvent(event)).toEqual([]);
    expect(validateAuditEvent({ ...event, orgId: '' })).toEqual([]);
  });

  it.each([
    ['id', { id: 'x' }],
    ['org_id', { orgId: 'acme' }],
    ['action', { action: 'Connector Created' }],
    ['action', { action: 'single' }],
    ['occurred_at', { occurredAt: new Date(0) }],
    ['occurred_at', { occurredAt: new Date(Date.now() + 3_600_000) }],
    ['outcome', { outcome: 'unspecified' as const }],
  ])('refuses a bad %s', (field, patch) => {
    expect(validateAuditEvent({ ...event, ...patch }).map((v) => v.field)).toContain(field);
  });
});

describe('query columns', () => {
  it('keeps a value that fits, and fits one that does not without splitting a character', () => {
    expect(fitColumn('acc-1', 8)).toBe('acc-1');
    expect(fitColumn('abcdefghij', 4)).toBe('abcd');
    expect(fitColumn('abc\u{1F600}', 4)).toBe('abc');
    expect(fitColumn('a\u0000b', 8)).toBe('a\ufffdb');
  });
});

describe('audit paging', () => {
  it('round-trips a cursor within its scope', () => {
    expect(decodeCursor(encodeCursor(42n, 'q'), 'q')).toBe(42n);
    expect(decodeCursor('', 'q')).toBeUndefined();
  });

  it('refuses a cursor issued for another scope', () => {
    expect(() => decodeCursor(encodeCursor(42n, 'q1'), 'q2')).toThrow('cursor belongs to another query');
  });

  it.each([
    '%%%',
    Buffer.from('c1.0.0123456789abcdef').toString('base64url'),
    Buffer.from('c1.-1.0123456789abcdef').toString('base64url'),
    Buffer.from('c1.99999999999999999999.0123456789abcdef').toString('base64url'),
    Buffer.from('s:12').toString('base64url'),
    'a'.repeat(65),
  ])('refuses the malformed cursor %j', (bad) => expect(() => decodeCursor(bad, 'q')).toThrow('cursor is malformed'));

  it('clamps page sizes', () => {
    expect(pageSize(0)).toBe(100);
    expect(pageSize(500)).toBe(500);
    expect(() => pageSize(501)).toThrow('at most 500');
    expect(() => pageSize(1.5)).toThrow();
  });
});
