import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AUDIT_COLUMN_WIDTH, type AuditActorKind, type AuditEventSummary, type AuditOutcome, fitColumn } from '@ferry/audit/domain';
import { ActorKind, type AuditEvent, AuditEventSchema, Outcome } from '@ferry/contracts';

const OUTCOMES: Record<Outcome, AuditOutcome | 'unspecified'> = {
  [Outcome.UNSPECIFIED]: 'unspecified',
  [Outcome.SUCCESS]: 'success',
  [Outcome.FAILURE]: 'failure',
  [Outcome.DENIED]: 'denied',
};

const ACTOR_KINDS: Record<ActorKind, AuditActorKind> = {
  [ActorKind.UNSPECIFIED]: 'unspecified',
  [ActorKind.ACCOUNT]: 'account',
  [ActorKind.SERVICE]: 'service',
  [ActorKind.ANONYMOUS]: 'anonymous',
};

/** The fields of a published event the store indexes (event and organisation ids folded to lower case, text fitted to its column). */
export function summarizeAuditEvent(event: AuditEvent): AuditEventSummary {
  return {
    id: event.id.toLowerCase(),
    orgId: event.orgId.toLowerCase(),
    occurredAt: event.occurredAt ? timestampDate(event.occurredAt) : new Date(0),
    action: event.action,
    outcome: OUTCOMES[event.outcome] ?? 'unspecified',
    actorKind: ACTOR_KINDS[event.actor?.kind ?? ActorKind.UNSPECIFIED] ?? 'unspecified',
    actorId: fitColumn(event.actor?.id ?? '', AUDIT_COLUMN_WIDTH.actorId),
    targetType: fitColumn(event.target?.type ?? '', AUDIT_COLUMN_WIDTH.targetType),
    targetId: fitColumn(event.target?.id ?? '', AUDIT_COLUMN_WIDTH.targetId),
    sessionId: fitColumn(event.sessionId, AUDIT_COLUMN_WIDTH.sessionId),
  };
}

/**
 * The columns stored beside a record's payload, as text: what verification compares with the same
 * columns re-derived from the payload. A column added to the table for queries is added here too.
 */
export function auditColumns(summary: AuditEventSummary): Record<string, string> {
  return {
    id: summary.id,
    org_id: summary.orgId,
    action: summary.action,
    outcome: summary.outcome,
    occurred_at: summary.occurredAt.toISOString(),
    actor_kind: summary.actorKind,
    actor_id: summary.actorId,
    target_type: summary.targetType,
    target_id: summary.targetId,
    session_id: summary.sessionId,
  };
}

/** {@link auditColumns} of a stored payload; throws when it does not decode. */
export function auditColumnsOfPayload(payload: Uint8Array): Record<string, string> {
  return auditColumns(summarizeAuditEvent(fromBinary(AuditEventSchema, payload)));
}
