/** How an audited action ended (mirrors ferry.audit.v1.Outcome). */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** The fields of an audit event the audit service indexes and checks. */
export interface AuditEventSummary {
  readonly id: string;
  /** Empty for installation-level actions. */
  readonly orgId: string;
  readonly occurredAt: Date;
  readonly action: string;
  readonly outcome: AuditOutcome | 'unspecified';
}

export interface AuditViolation {
  readonly field: string;
  readonly reason: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Actions are dotted lower-case words: `connector.created`, `auth.signin.failed`. */
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,5}$/;
/** The action column's width. */
export const MAX_ACTION_LENGTH = 128;
/** Events stamped further in the future than this are refused: clocks drift, but not by hours. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Checks an event before it is appended; an empty list means it is acceptable. */
export function validateAuditEvent(event: AuditEventSummary, now = new Date()): AuditViolation[] {
  const v: AuditViolation[] = [];
  if (!UUID.test(event.id)) v.push({ field: 'id', reason: 'must be a lower-case UUID' });
  if (event.orgId !== '' && !UUID.test(event.orgId)) v.push({ field: 'org_id', reason: 'must be a lower-case UUID or empty' });
  if (event.action.length > MAX_ACTION_LENGTH) v.push({ field: 'action', reason: `must be at most ${MAX_ACTION_LENGTH} characters` });
  else if (!ACTION.test(event.action)) v.push({ field: 'action', reason: 'must be dotted lower-case words, e.g. connector.created' });
  if (Number.isNaN(event.occurredAt.getTime()) || event.occurredAt.getTime() <= 0) {
    v.push({ field: 'occurred_at', reason: 'required' });
  } else if (event.occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    v.push({ field: 'occurred_at', reason: 'is in the future' });
  }
  if (event.outcome === 'unspecified') v.push({ field: 'outcome', reason: 'required' });
  return v;
}
