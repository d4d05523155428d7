import { Inject, Injectable } from '@nestjs/common';
import type { AuditStore, StoredAuditRecord } from '@ferry/audit/application';
import type { AuditEventSummary, AuditOutcome } from '@ferry/audit/domain';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { AuditEventEntity, ChainHeadEntity } from './audit-event.entity';

const UNIQUE_VIOLATION = new Set(['23505', '2627', '2601']); // PostgreSQL, SQL Server

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; number?: number; driverError?: { code?: string; number?: number } };
  const code = String(e.driverError?.code ?? e.code ?? e.driverError?.number ?? e.number ?? '');
  return UNIQUE_VIOLATION.has(code);
}

/**
 * The append-only audit table. Appends are idempotent by event id and take the next sequence of the
 * event's organisation under a row lock, so concurrent replicas never fork a chain.
 */
@Injectable()
export class TypeormAuditStore implements AuditStore {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async append(summary: AuditEventSummary, encoded: Uint8Array): Promise<{ sequence: bigint; duplicate: boolean }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.db.transaction((tx) => this.appendIn(tx, summary, encoded));
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
        // Lost a race: another replica stored this event, or created this organisation's head row first.
      }
    }
  }

  private async appendIn(tx: EntityManager, summary: AuditEventSummary, encoded: Uint8Array) {
    const existing = await tx.findOne(AuditEventEntity, { where: { id: summary.id }, select: { id: true, sequence: true } });
    if (existing) return { sequence: BigInt(existing.sequence), duplicate: true };
    const head = await tx.findOne(ChainHeadEntity, { where: { orgId: summary.orgId }, lock: { mode: 'pessimistic_write' } });
    const sequence = head ? BigInt(head.sequence) + 1n : 1n;
    if (head) await tx.update(ChainHeadEntity, { orgId: summary.orgId }, { sequence: sequence.toString() });
    else await tx.insert(ChainHeadEntity, { orgId: summary.orgId, sequence: '1' });
    await tx.insert(AuditEventEntity, {
      id: summary.id,
      orgId: summary.orgId,
      sequence: sequence.toString(),
      occurredAt: summary.occurredAt,
      recordedAt: new Date(),
      action: summary.action,
      outcome: summary.outcome,
      payload: Buffer.from(encoded).toString('base64'),
    });
    return { sequence, duplicate: false };
  }

  async page(orgId: string, limit: number, before: bigint | undefined): Promise<StoredAuditRecord[]> {
    const rows = await this.db.getRepository(AuditEventEntity).find({
      where: { orgId, ...(before !== undefined ? { sequence: LessThan(before.toString()) } : {}) },
      order: { sequence: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({
      sequence: BigInt(r.sequence),
      encoded: new Uint8Array(Buffer.from(r.payload, 'base64')),
      summary: { id: r.id, orgId: r.orgId, occurredAt: r.occurredAt, action: r.action, outcome: r.outcome as AuditOutcome },
    }));
  }
}
