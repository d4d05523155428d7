import { InvalidAuditEventError } from './append-audit-event.usecase';
import { InvalidAuditQueryError, QueryAuditEventsUseCase } from './query-audit-events.usecase';
import { auditEventFixture } from './testing/audit-event.fixture';
import { memoryAuditChain } from './testing/audit-use-cases.fixture';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

describe('audit use cases', () => {
  it('pages through every record newest first without gaps or repeats', async () => {
    const { store, append } = memoryAuditChain();
    for (let i = 1; i <= 7; i += 1) {
      const e = auditEventFixture(i, ORG);
      await append.execute(e.summary, e.encoded);
    }
    const query = new QueryAuditEventsUseCase(store);
    const seen: bigint[] = [];
    let cursor = '';
    do {
      const page = await query.execute(ORG, 3, cursor);
      seen.push(...page.records.map((r) => r.sequence));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([7n, 6n, 5n, 4n, 3n, 2n, 1n]);
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
    await expect(query.execute(ORG, 9999, '')).rejects.toMatchObject({ field: 'limit' });
    await expect(query.execute(ORG, 10, 'garbage!')).rejects.toBeInstanceOf(InvalidAuditQueryError);
  });
});
