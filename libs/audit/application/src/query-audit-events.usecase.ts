import { Inject, Injectable } from '@nestjs/common';
import { auditFilterProblems, auditFilterScope, type AuditQueryFilter, decodeCursor, encodeCursor } from '@ferry/audit/domain';
import { AUDIT_STORE, type AuditStore, type StoredAuditRecord } from './audit.ports';
import { InvalidAuditQueryError, pageOf, sizeOf } from './audit-page';

export { InvalidAuditQueryError } from './audit-page';

/** The most a query may count (`countLimit`): one past the largest export cap it serves. */
export const AUDIT_COUNT_MAX = 1_000_001;

/** A query: the filter, the page size (0: the default), the cursor of the previous page. */
export interface AuditQuery {
  readonly limit: number;
  readonly cursor: string;
  readonly filter: AuditQueryFilter;
  /** When non-zero, count the matching records, up to this many. */
  readonly countLimit?: number;
}

export interface AuditQueryPage {
  /** Newest first. */
  readonly records: StoredAuditRecord[];
  /** Empty when there is no further page. */
  readonly nextCursor: string;
  /** Matching records, up to the query's countLimit; 0 when it asked for no count. */
  readonly matched: number;
}

/**
 * Reads one organisation's audit records matching a filter, newest first, a page at a time. The
 * cursor is a chain sequence bound to the organisation and the filter: paging is stable (records
 * appended meanwhile have higher sequences and never shift a page) and a cursor cannot be reused
 * with another filter.
 */
@Injectable()
export class QueryAuditEventsUseCase {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async execute(orgId: string, query: AuditQuery): Promise<AuditQueryPage> {
    const org = orgId.toLowerCase();
    const problems = auditFilterProblems(query.filter);
    const first = problems[0];
    if (first) throw new InvalidAuditQueryError(first.field, `${first.field} ${first.reason}`, problems);
    const countLimit = query.countLimit ?? 0;
    if (!Number.isInteger(countLimit) || countLimit < 0 || countLimit > AUDIT_COUNT_MAX) {
      throw new InvalidAuditQueryError('count_limit', `count_limit must be 0-${AUDIT_COUNT_MAX}`);
    }
    const size = sizeOf(query.limit);
    const scope = `query\n${org}\n${auditFilterScope(query.filter)}`;
    const before = cursorOf(query.cursor, scope);
    const records = await this.store.page(org, size + 1, before, query.filter);
    const page = pageOf(records, size);
    const last = page.records[page.records.length - 1];
    return {
      records: page.records,
      nextCursor: page.more && last ? encodeCursor(last.sequence, scope) : '',
      matched: countLimit > 0 ? await this.store.countMatching(org, query.filter, countLimit) : 0,
    };
  }
}

/** Decodes a cursor of `scope`, as a query error naming the cursor. */
export function cursorOf(cursor: string, scope: string): bigint | undefined {
  try {
    return decodeCursor(cursor, scope);
  } catch (err) {
    throw new InvalidAuditQueryError('cursor', (err as Error).message);
  }
}
