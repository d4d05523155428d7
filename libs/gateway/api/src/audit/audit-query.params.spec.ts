import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, TimestampSchema } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ActorKind, AuditEventSchema, Outcome, StoredAuditEventSchema } from '@ferry/contracts';
import { parse } from 'csv-parse/sync';
import { auditFilterOf, cursorOf, limitOf, MAX_PARAM_CHARS } from './audit-query.params';
import { AUDIT_CSV_HEADER, auditCsvLine, auditNdjsonLine } from './audit-record.view';

describe('audit query parameters', () => {
  it('reads every filter, splitting a target at its first colon', () => {
    const f = auditFilterOf({ from: '2026-06-30T08:00:00.250+02:00', to: '2026-07-01', actor: 'acc-1', action: 'auth', target: 'route:/api/v1:x', outcome: 'denied' });
    expect(timestampDate(create(TimestampSchema, f.from)).toISOString()).toBe('2026-06-30T06:00:00.250Z');
    expect(f.to).toEqual(timestampFromDate(new Date('2026-07-01T00:00:00Z')));
    expect(f).toMatchObject({ actorId: 'acc-1', action: 'auth', targetType: 'route', targetId: '/api/v1:x', outcome: Outcome.DENIED });
    expect(auditFilterOf({ target: 'connector' })).toEqual({ targetType: 'connector' });
    expect(auditFilterOf({})).toEqual({});
  });

  it.each([
    ['from', { from: '2026-02-30T00:00:00Z' }],
    ['from', { from: '2026-06-30T08:00:00' }],
    ['from', { from: '2026-06-30T08:00:00.1234Z' }],
    ['from', { from: 'yesterday' }],
    ['to', { to: ['2026-01-01', '2026-01-02'] }],
    ['actor', { actor: '' }],
    ['actor', { actor: 'a'.repeat(MAX_PARAM_CHARS + 1) }],
    ['actor', { actor: ['a', 'b'] }],
    ['target', { target: ':c-1' }],
    ['target', { target: 'connector:' }],
    ['outcome', { outcome: 'unknown' }],
    ['outcome', { outcome: 'SUCCESS' }],
  ])('refuses a bad %s with a message naming it', (name, query) => {
    expect(() => auditFilterOf(query as never)).toThrow(`query parameter ${name}`);
  });

  it('bounds limit and cursor', () => {
    expect(limitOf(undefined)).toBe(0);
    expect(limitOf('500')).toBe(500);
    for (const bad of ['0', '-1', '1.5', '12345', ['1', '2'], 'abc']) expect(() => limitOf(bad)).toThrow('limit');
    expect(cursorOf('abc')).toBe('abc');
    for (const bad of ['', 'c'.repeat(129), ['a', 'b']]) expect(() => cursorOf(bad)).toThrow('cursor');
  });
});

describe('audit export lines', () => {
  const stored = (patch: Omit<MessageInitShape<typeof AuditEventSchema>, '$typeName'>) =>
    create(StoredAuditEventSchema, {
      sequence: 7n,
      event: create(AuditEventSchema, {
        id: '00000000-0000-4000-8000-000000000007',
        occurredAt: timestampFromDate(new Date('2026-01-01T00:00:07Z')),
        action: 'connector.created',
        actor: { kind: ActorKind.ACCOUNT, id: 'acc-1' },
        target: { type: 'connector', id: 'c-7' },
        outcome: Outcome.SUCCESS,
        sessionId: 'sess-1',
        ...patch,
      }),
    });

  it('writes the header and a record as RFC 4180 CSV that parses back, detail as JSON', () => {
    const csv = auditCsvLine(stored({ userAgent: 'Mozilla "x", y\r\nz', detail: { b: '2', a: '1' } }));
    const [header, row] = parse(`${AUDIT_CSV_HEADER.join(',')}\r\n${csv}`);
    expect(header).toEqual([...AUDIT_CSV_HEADER]);
    expect(row).toEqual(['7', '00000000-0000-4000-8000-000000000007', '2026-01-01T00:00:07.000Z', 'connector.created', 'account', 'acc-1', 'connector', 'c-7', 'success', '', 'Mozilla "x", y\r\nz', '', 'sess-1', '{"a":"1","b":"2"}']);
  });

  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])('neutralises the formula cell %j so a spreadsheet shows it as text', (cell) => {
    const [row] = parse(auditCsvLine(stored({ userAgent: cell, actor: { kind: ActorKind.ACCOUNT, id: cell }, target: { type: 'x', id: cell } })));
    expect([row?.[5], row?.[7], row?.[10]]).toEqual([`'${cell}`, `'${cell}`, `'${cell}`]);
  });

  it('writes one JSON object per NDJSON line, with the session', () => {
    const line = auditNdjsonLine(stored({ detail: { method: 'GET' } }));
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ sequence: '7', actor: { kind: 'account', id: 'acc-1' }, outcome: 'success', sessionId: 'sess-1', detail: { method: 'GET' } });
  });
});
