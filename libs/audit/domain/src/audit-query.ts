import { AUDIT_COLUMN_WIDTH, type AuditEventSummary, type AuditOutcome, type AuditViolation, MAX_ACTION_LENGTH } from './audit-record';

/**
 * Which records a query returns; every field set must hold. Ids are compared exactly, `action` as
 * a prefix on dotted boundaries, `from` inclusive and `to` exclusive on the time the action occurred.
 */
export interface AuditQueryFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly actorId?: string;
  readonly action?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly outcome?: AuditOutcome;
}

/** Earliest and latest times a filter may name (a SQL timestamp holds both on every target). */
export const AUDIT_FILTER_EARLIEST = new Date('1970-01-01T00:00:00.000Z');
export const AUDIT_FILTER_LATEST = new Date('9999-12-31T23:59:59.999Z');

/** An id as the filters take it: visible characters only (no spaces, no control or format characters). */
const VISIBLE = /^[^\s\p{C}]+$/u;
/** An action or action prefix: one to six dotted lower-case words. */
const ACTION_PREFIX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,5}$/;
const TARGET_TYPE = /^[a-z][a-z0-9_.-]*$/;
const OUTCOMES: readonly string[] = ['success', 'failure', 'denied'];

function idProblem(field: string, value: string, width: number): AuditViolation | undefined {
  if (value.length === 0) return { field, reason: 'must not be empty' };
  if (value.length > width) return { field, reason: `must be at most ${width} characters` };
  if (!VISIBLE.test(value)) return { field, reason: 'must be visible characters only (no spaces or control characters)' };
  return undefined;
}

function timeProblem(field: string, value: Date | undefined): AuditViolation | undefined {
  if (value === undefined) return undefined;
  const t = value.getTime();
  if (Number.isNaN(t) || t < AUDIT_FILTER_EARLIEST.getTime() || t > AUDIT_FILTER_LATEST.getTime()) {
    return { field, reason: 'must be a time from 1970-01-01 to 9999-12-31' };
  }
  return undefined;
}

/** Checks a filter; an empty list means it can be run. Messages name the field, never its value. */
export function auditFilterProblems(filter: AuditQueryFilter): AuditViolation[] {
  const v: AuditViolation[] = [];
  const push = (p: AuditViolation | undefined) => p && v.push(p);
  push(timeProblem('from', filter.from));
  push(timeProblem('to', filter.to));
  if (v.length === 0 && filter.from && filter.to && filter.from.getTime() > filter.to.getTime()) v.push({ field: 'to', reason: 'must not be before from' });
  if (filter.actorId !== undefined) push(idProblem('actor', filter.actorId, AUDIT_COLUMN_WIDTH.actorId));
  if (filter.action !== undefined) {
    if (filter.action.length > MAX_ACTION_LENGTH) v.push({ field: 'action', reason: `must be at most ${MAX_ACTION_LENGTH} characters` });
    else if (!ACTION_PREFIX.test(filter.action)) v.push({ field: 'action', reason: 'must be dotted lower-case words, e.g. auth or auth.signin.succeeded' });
  }
  if (filter.targetType !== undefined) {
    if (filter.targetType.length > AUDIT_COLUMN_WIDTH.targetType) v.push({ field: 'target', reason: `type must be at most ${AUDIT_COLUMN_WIDTH.targetType} characters` });
    else if (!TARGET_TYPE.test(filter.targetType)) v.push({ field: 'target', reason: 'type must be a lower-case word, e.g. connector' });
  }
  if (filter.targetId !== undefined) {
    if (filter.targetType === undefined) v.push({ field: 'target', reason: 'an id needs its type (type:id)' });
    else push(idProblem('target', filter.targetId, AUDIT_COLUMN_WIDTH.targetId));
  }
  if (filter.outcome !== undefined && !OUTCOMES.includes(filter.outcome)) v.push({ field: 'outcome', reason: 'must be success, failure or denied' });
  return v;
}

/** Checks a session id as the session log takes it. */
export function sessionIdProblem(sessionId: string): AuditViolation | undefined {
  return idProblem('session', sessionId, AUDIT_COLUMN_WIDTH.sessionId);
}

/** Whether an action is `prefix` or lies under it on a dotted boundary (`auth` holds `auth.signin.succeeded`, not `authz.x`). */
export function actionUnder(action: string, prefix: string): boolean {
  return action === prefix || action.startsWith(`${prefix}.`);
}

/** Whether a record's columns match a filter: the rule every store's query implements. */
export function matchesAuditFilter(summary: AuditEventSummary, filter: AuditQueryFilter): boolean {
  const at = summary.occurredAt.getTime();
  return (
    (filter.from === undefined || at >= filter.from.getTime()) &&
    (filter.to === undefined || at < filter.to.getTime()) &&
    (filter.actorId === undefined || summary.actorId === filter.actorId) &&
    (filter.action === undefined || actionUnder(summary.action, filter.action)) &&
    (filter.targetType === undefined || summary.targetType === filter.targetType) &&
    (filter.targetId === undefined || summary.targetId === filter.targetId) &&
    (filter.outcome === undefined || summary.outcome === filter.outcome)
  );
}

/**
 * A canonical text of a filter (fixed field order, times in ISO-8601), to bind a cursor to the
 * filter it was issued for.
 */
export function auditFilterScope(filter: AuditQueryFilter): string {
  return JSON.stringify([
    filter.from?.toISOString() ?? null,
    filter.to?.toISOString() ?? null,
    filter.actorId ?? null,
    filter.action ?? null,
    filter.targetType ?? null,
    filter.targetId ?? null,
    filter.outcome ?? null,
  ]);
}
