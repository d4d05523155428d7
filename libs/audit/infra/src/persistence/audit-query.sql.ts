import type { StoredAuditRecord } from '@ferry/audit/application';
import type { AuditActorKind, AuditOutcome, AuditQueryFilter } from '@ferry/audit/domain';
import { type AuditSqlDialect, param, toBigInt, toDate } from './audit-sql';

/** The columns a query reads: the record's columns and its payload. */
export const QUERY_COLUMNS = 'id, org_id, sequence, occurred_at, action, outcome, actor_kind, actor_id, target_type, target_id, session_id, payload';

export interface QueryRow {
  id: string;
  org_id: string;
  sequence: string;
  occurred_at: Date | string;
  action: string;
  outcome: string;
  actor_kind: string;
  actor_id: string;
  target_type: string;
  target_id: string;
  session_id: string;
  payload: string;
}

export function toStoredRecord(r: QueryRow): StoredAuditRecord {
  return {
    sequence: toBigInt(r.sequence),
    encoded: new Uint8Array(Buffer.from(r.payload, 'base64')),
    summary: {
      id: r.id,
      orgId: r.org_id,
      occurredAt: toDate(r.occurred_at),
      action: r.action,
      outcome: r.outcome as AuditOutcome,
      actorKind: r.actor_kind as AuditActorKind,
      actorId: r.actor_id,
      targetType: r.target_type,
      targetId: r.target_id,
      sessionId: r.session_id,
    },
  };
}

/** `%`, `_` and the escape character itself, escaped for LIKE ... ESCAPE '\'. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The WHERE conditions of a filter (see matchesAuditFilter), as `AND ...` text with its parameters
 * numbered from `first`. Values are always parameters, never spliced into the text.
 */
export function filterConditions(dialect: AuditSqlDialect, filter: AuditQueryFilter, first: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const next = (value: unknown) => {
    params.push(value);
    return param(dialect, first + params.length - 1);
  };
  const parts: string[] = [];
  if (filter.from) parts.push(`occurred_at >= ${next(filter.from.toISOString())}`);
  if (filter.to) parts.push(`occurred_at < ${next(filter.to.toISOString())}`);
  if (filter.actorId !== undefined) parts.push(`actor_id = ${next(filter.actorId)}`);
  // A prefix on dotted boundaries: the action itself, or anything under `<prefix>.`.
  if (filter.action !== undefined) parts.push(`(action = ${next(filter.action)} OR action LIKE ${next(`${likeLiteral(filter.action)}.%`)} ESCAPE '\\')`);
  if (filter.targetType !== undefined) parts.push(`target_type = ${next(filter.targetType)}`);
  if (filter.targetId !== undefined) parts.push(`target_id = ${next(filter.targetId)}`);
  if (filter.outcome !== undefined) parts.push(`outcome = ${next(filter.outcome)}`);
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}
