import { Inject, Injectable } from '@nestjs/common';
import { encodeCursor, sessionIdProblem } from '@ferry/audit/domain';
import { AUDIT_STORE, type AuditStore, type StoredAuditRecord } from './audit.ports';
import { InvalidAuditQueryError, pageOf, sizeOf } from './audit-page';
import { cursorOf } from './query-audit-events.usecase';

/**
 * Reads one sign-in session's log: the organisation's records carrying the session id (its sign-in,
 * each API call, refreshes, its sign-out), oldest first, a page at a time. A session with no
 * records (unknown, or another organisation's) reads as an empty log.
 */
@Injectable()
export class ListSessionEventsUseCase {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async execute(orgId: string, sessionId: string, limit: number, cursor: string): Promise<{ records: StoredAuditRecord[]; nextCursor: string }> {
    const org = orgId.toLowerCase();
    const problem = sessionIdProblem(sessionId);
    if (problem) throw new InvalidAuditQueryError(problem.field, `session id ${problem.reason}`);
    const size = sizeOf(limit);
    const scope = `session\n${org}\n${sessionId}`;
    const after = cursorOf(cursor, scope);
    const page = pageOf(await this.store.sessionPage(org, sessionId, size + 1, after), size);
    const last = page.records[page.records.length - 1];
    return { records: page.records, nextCursor: page.more && last ? encodeCursor(last.sequence, scope) : '' };
  }
}
