import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { AuditEventSummary, AuditOutcome } from '@ferry/audit/domain';
import { type AuditEvent, AuditEventSchema, Outcome } from '@ferry/contracts';

const OUTCOMES: Record<Outcome, AuditOutcome | 'unspecified'> = {
  [Outcome.UNSPECIFIED]: 'unspecified',
  [Outcome.SUCCESS]: 'success',
  [Outcome.FAILURE]: 'failure',
  [Outcome.DENIED]: 'denied',
};

/** The fields of a published event the store indexes (ids folded to lower case). */
export function summarizeAuditEvent(event: AuditEvent): AuditEventSummary {
  return {
    id: event.id.toLowerCase(),
    orgId: event.orgId.toLowerCase(),
    occurredAt: event.occurredAt ? timestampDate(event.occurredAt) : new Date(0),
    action: event.action,
    outcome: OUTCOMES[event.outcome] ?? 'unspecified',
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
  };
}

/** {@link auditColumns} of a stored payload; throws when it does not decode. */
export function auditColumnsOfPayload(payload: Uint8Array): Record<string, string> {
  return auditColumns(summarizeAuditEvent(fromBinary(AuditEventSchema, payload)));
}
