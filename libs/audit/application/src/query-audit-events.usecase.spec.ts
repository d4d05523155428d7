import type { AuditEventSummary } from '@ferry/audit/domain';
import { AppendAuditEventUseCase, InvalidAuditEventError } from './append-audit-event.usecase';
import type { AuditStore, StoredAuditRecord } from './audit.ports';
import { InvalidAuditQueryError, QueryAuditEventsUseCase } from './query-audit-events.usecase';

class MemoryStore implements AuditStore {
  readonly records: StoredAuditRecord[] = [];
  async append(summary: AuditEventSummary, encoded: Uint8Array) {
    const seen = this.records.find((r) => r.summary.id === summary.id);
    if (seen) return { sequence: seen.sequence, duplicate: true };
    const sequence = BigInt(this.records.filter((r) => r.summary.orgId === summary.orgId).length + 1);
    this.records.push({ summary, sequence, encoded });
    return { sequence, duplicate: false };
  }
  async page(orgId: string, limit: number, before: bigint | undefined) {
    return this.records
      .filter((r) => r.summary.orgId === orgId && (before === undefined || r.sequence < before))
      .sort((a, b) => Number(b.sequence - a.sequence))
      .slice(0, limit);
  }
}

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const summary = (n: number): AuditEventSummary => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  orgId: ORG,
  occurredAt: new Date('2026-01-01T00:00:00Z'),
  action: 'connector.created',
  outcome: 'success',
});

describe('audit use cases', () => {
  it('pages through every record newest first without gaps or repeats', async () => {
    const store = new MemoryStore();
    const append = new AppendAuditEventUseCase(store);
    for (let i = 1; i <= 7; i += 1) await append.execute(summary(i), new Uint8Array([i]));
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
    const store = new MemoryStore();
    const append = new AppendAuditEventUseCase(store);
    await append.execute(summary(1), new Uint8Array());
    expect(await append.execute(summary(1), new Uint8Array())).toEqual({ sequence: 1n, duplicate: true });
    expect(store.records).toHaveLength(1);
  });

  it('refuses an invalid event without storing it', async () => {
    const store = new MemoryStore();
    await expect(new AppendAuditEventUseCase(store).execute({ ...summary(1), action: 'BAD' }, new Uint8Array())).rejects.toBeInstanceOf(
      InvalidAuditEventError,
    );
    expect(store.records).toHaveLength(0);
  });

  it('names the field of a malformed query', async () => {
    const query = new QueryAuditEventsUseCase(new MemoryStore());
    await expect(query.execute(ORG, 9999, '')).rejects.toMatchObject({ field: 'limit' });
    await expect(query.execute(ORG, 10, 'garbage!')).rejects.toBeInstanceOf(InvalidAuditQueryError);
  });
});
