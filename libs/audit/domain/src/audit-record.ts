/** How an audited action ended (mirrors ferry.audit.v1.Outcome). */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** Who acted (mirrors ferry.audit.v1.ActorKind). */
export type AuditActorKind = 'account' | 'service' | 'anonymous' | 'unspecified';

/**
 * The fields of an audit event the audit service indexes and checks. The text fields past `outcome`
 * are column values: the event's value fitted to its column by {@link fitColumn}.
 */
export interface AuditEventSummary {
  readonly id: string;
  /** Empty for installation-level actions. */
  readonly orgId: string;
  readonly occurredAt: Date;
  readonly action: string;
  readonly outcome: AuditOutcome | 'unspecified';
  readonly actorKind: AuditActorKind;
  readonly actorId: string;
  readonly targetType: string;
  readonly targetId: string;
  /** The sign-in session the action came from; empty when none. */
  readonly sessionId: string;
}

/** Widths (characters) of the query columns holding publisher-chosen text. */
export const AUDIT_COLUMN_WIDTH = { actorId: 256, targetType: 64, targetId: 256, sessionId: 128 } as const;

/**
 * A publisher's value as its query column holds it: NUL (which PostgreSQL text cannot hold) becomes
 * U+FFFD and a longer value keeps its first `width` characters (never half a surrogate pair). The
 * record itself keeps the value unchanged (payload); only the column is fitted, the same way on
 * append, in the migration that filled the columns, and when verification re-derives them. Events
 * are not refused for a long value: that would lose the record.
 */
export function fitColumn(value: string, width: number): string {
  const clean = value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
  if (clean.length <= width) return clean;
  const cut = clean.slice(0, width);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
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
