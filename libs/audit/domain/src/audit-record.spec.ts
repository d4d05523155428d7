import { decodeCursor, encodeCursor, pageSize } from './audit-cursor';
import { validateAuditEvent } from './audit-record';

const event = {
  id: '3f1e2d3c-4b5a-4968-8776-655443322110',
  orgId: '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f',
  occurredAt: new Date('2026-01-01T00:00:00Z'),
  action: 'connector.created',
  outcome: 'success' as const,
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

describe('audit paging', () => {
  it('round-trips a cursor', () => {
    expect(decodeCursor(encodeCursor(42n))).toBe(42n);
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each(['%%%', Buffer.from('s:0').toString('base64url'), Buffer.from('s:-1').toString('base64url'), 'a'.repeat(65)])(
    'refuses the malformed cursor %j',
    (bad) => expect(() => decodeCursor(bad)).toThrow('cursor is malformed'),
  );

  it('clamps page sizes', () => {
    expect(pageSize(0)).toBe(100);
    expect(pageSize(500)).toBe(500);
    expect(() => pageSize(501)).toThrow('at most 500');
    expect(() => pageSize(1.5)).toThrow();
  });
});
