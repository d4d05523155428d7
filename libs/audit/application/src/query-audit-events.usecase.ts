import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, pageSize } from '@ferry/audit/domain';
import { AUDIT_STORE, type AuditStore, type StoredAuditRecord } from './audit.ports';

/** Raised for a malformed query (bad limit or cursor). */
export class InvalidAuditQueryError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'InvalidAuditQueryError';
  }
}

/** Reads one organisation's audit records, newest first, a page at a time. */
@Injectable()
export class QueryAuditEventsUseCase {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async execute(orgId: string, limit: number, cursor: string): Promise<{ records: StoredAuditRecord[]; nextCursor: string }> {
    let size: number;
    let before: bigint | undefined;
    try {
      size = pageSize(limit);
    } catch (err) {
      throw new InvalidAuditQueryError('limit', (err as Error).message);
    }
    try {
      before = decodeCursor(cursor);
    } catch (err) {
      throw new InvalidAuditQueryError('cursor', (err as Error).message);
    }
    const records = await this.store.page(orgId.toLowerCase(), size + 1, before);
    const page = records.slice(0, size);
    const last = page[page.length - 1];
    return { records: page, nextCursor: records.length > size && last ? encodeCursor(last.sequence) : '' };
  }
}
