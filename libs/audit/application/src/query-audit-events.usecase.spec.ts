import { ActorKind, Outcome } from '@ferry/contracts';
import { InvalidAuditEventError } from './append-audit-event.usecase';
import { AUDIT_PAGE_MAX_BYTES, InvalidAuditQueryError } from './audit-page';
import { auditColumns, auditColumnsOfPayload } from './audit-event.columns';
import { ListSessionEventsUseCase } from './list-session-events.usecase';
import { type AuditQuery, QueryAuditEventsUseCase } from './query-audit-events.usecase';
import { auditEventFixture } from './testing/audit-event.fixture';
import { memoryAuditChain } from './testing/audit-use-cases.fixture';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const all = (patch: Partial<AuditQuery> = {}): AuditQuery => ({ limit: 0, cursor: '', filter: {}, ...patch });

async function chainWith(events: ReturnType<typeof auditEventFixture>[]) {
  const chain = memoryAuditChain();
  for (const e of events) await chain.append.execute(e.summary, e.encoded);
  return chain;
}

/** Every page of a query, followed by cursor. */
async function walk(query: QueryAuditEventsUseCase, q: AuditQuery): Promise<bigint[]> {
  const seen: bigint[] = [];
  let cursor = '';
  do {
    const page = await query.execute(ORG, { ...q, cursor });
    seen.push(...page.records.map((r) => r.sequence));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe('audit use cases', () => {
  it('pages through every record newest first without gaps or repeats', async () => {
    const { store } = await chainWith(Array.from({ length: 7 }, (_, i) => auditEventFixture(i + 1, ORG)));
    expect(await walk(new QueryAuditEventsUseCase(store), all({ limit: 3 }))).toEqual([7n, 6n, 5n, 4n, 3n, 2n, 1n]);
  });

  it('pages a filtered query without gaps, and refuses its cursor with another filter', async () => {
    const events = Array.from({ length: 12 }, (_, i) => auditEventFixture(i + 1, ORG, { outcome: i % 3 === 0 ? Outcome.DENIED : Outcome.SUCCESS }));
    const query = new QueryAuditEventsUseCase((await chainWith(events)).store);
    expect(await walk(query, all({ limit: 2, filter: { outcome: 'denied' } }))).toEqual([10n, 7n, 4n, 1n]);
    const first = await query.execute(ORG, all({ limit: 2, filter: { outcome: 'denied' } }));
    await expect(query.execute(ORG, all({ limit: 2, cursor: first.nextCursor, filter: { outcome: 'success' } }))).rejects.toMatchObject({ field: 'cursor' });
    await expect(query.execute(ORG, all({ limit: 2, cursor: first.nextCursor }))).rejects.toBeInstanceOf(InvalidAuditQueryError);
  });

  it('counts matching records up to the limit asked', async () => {
    const query = new QueryAuditEventsUseCase((await chainWith(Array.from({ length: 5 }, (_, i) => auditEventFixture(i + 1, ORG)))).store);
    expect((await query.execute(ORG, all({ countLimit: 3 }))).matched).toBe(3);
    expect((await query.execute(ORG, all({ countLimit: 10 }))).matched).toBe(5);
    expect((await query.execute(ORG, all())).matched).toBe(0);
    await expect(query.execute(ORG, all({ countLimit: 1_000_002 }))).rejects.toMatchObject({ field: 'count_limit' });
  });

  it('cuts a page of large records short of the bus limit, and continues after it', async () => {
    const big = 'x'.repeat(200 * 1024);
    const query = new QueryAuditEventsUseCase((await chainWith(Array.from({ length: 5 }, (_, i) => auditEventFixture(i + 1, ORG, { detail: { big } })))).store);
    const page = await query.execute(ORG, all({ limit: 5 }));
    expect(page.records.reduce((n, r) => n + r.encoded.byteLength, 0)).toBeLessThanOrEqual(AUDIT_PAGE_MAX_BYTES);
    expect(page.records.map((r) => r.sequence)).toEqual([5n, 4n]);
    expect(await walk(query, all({ limit: 5 }))).toEqual([5n, 4n, 3n, 2n, 1n]);
  });

  it('reads a session’s records oldest first, and an unknown session as empty', async () => {
    const events = Array.from({ length: 9 }, (_, i) => auditEventFixture(i + 1, ORG, { sessionId: i % 2 === 0 ? 'sess-a' : 'sess-b' }));
    const sessions = new ListSessionEventsUseCase((await chainWith(events)).store);
    const first = await sessions.execute(ORG, 'sess-a', 3, '');
    expect(first.records.map((r) => r.sequence)).toEqual([1n, 3n, 5n]);
    const second = await sessions.execute(ORG, 'sess-a', 3, first.nextCursor);
    expect([second.records.map((r) => r.sequence), second.nextCursor]).toEqual([[7n, 9n], '']);
    expect(await sessions.execute(ORG, 'nobody', 3, '')).toEqual({ records: [], nextCursor: '' });
    await expect(sessions.execute(ORG, 'sess-b', 3, first.nextCursor)).rejects.toMatchObject({ field: 'cursor' });
    await expect(sessions.execute(ORG, 'a b', 3, '')).rejects.toMatchObject({ field: 'session' });
  });

  it('names every bad field of a filter', async () => {
    const query = new QueryAuditEventsUseCase(memoryAuditChain().store);
    const err = (await query.execute(ORG, all({ filter: { action: 'Auth', outcome: 'maybe' as never } })).catch((e: unknown) => e)) as InvalidAuditQueryError;
    expect(err.violations.map((v) => v.field)).toEqual(['action', 'outcome']);
    await expect(query.execute(ORG, all({ filter: { actorId: 'a b' } }))).rejects.toThrow('actor must be visible characters only');
  });

  it('collapses a redelivered event', async () => {
    const { store, append } = memoryAuditChain();
    const e = auditEventFixture(1, ORG);
    await append.execute(e.summary, e.encoded);
    expect(await append.execute(e.summary, e.encoded)).toEqual({ sequence: 1n, duplicate: true });
    expect(store.rows).toHaveLength(1);
  });

  it('refuses an invalid event without storing it', async () => {
    const { store, append } = memoryAuditChain();
    const e = auditEventFixture(1, ORG);
    await expect(append.execute({ ...e.summary, action: 'BAD' }, e.encoded)).rejects.toBeInstanceOf(InvalidAuditEventError);
    await expect(append.execute({ ...e.summary, action: `a.${'b'.repeat(127)}` }, e.encoded)).rejects.toThrow('at most 128');
    expect(store.rows).toHaveLength(0);
  });

  it('names the field of a malformed query', async () => {
    const query = new QueryAuditEventsUseCase(memoryAuditChain().store);
    await expect(query.execute(ORG, all({ limit: 9999 }))).rejects.toMatchObject({ field: 'limit' });
    await expect(query.execute(ORG, all({ limit: 10, cursor: 'garbage!' }))).rejects.toBeInstanceOf(InvalidAuditQueryError);
  });
});

describe('query columns', () => {
  it('holds actor, target and session beside the payload, fitted to their columns', () => {
    const e = auditEventFixture(1, ORG, { actor: { kind: ActorKind.SERVICE, id: 'migration' }, target: { type: 'file', id: 'f'.repeat(300) }, sessionId: 'sess-1' });
    expect(auditColumns(e.summary)).toMatchObject({ actor_kind: 'service', actor_id: 'migration', target_type: 'file', target_id: 'f'.repeat(256), session_id: 'sess-1' });
    expect(auditColumnsOfPayload(e.encoded)).toEqual(auditColumns(e.summary));
  });
});
