import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, Outcome, type StoredAuditEvent } from '@ferry/contracts';
import { csvLine } from '../common/csv-writer';

/** An audit record as the API answers it (JSON pages and NDJSON exports). */
export function auditRecordView(stored: StoredAuditEvent) {
  const e = stored.event;
  return {
    sequence: stored.sequence.toString(),
    id: e?.id ?? '',
    occurredAt: e?.occurredAt ? timestampDate(e.occurredAt).toISOString() : null,
    action: e?.action ?? '',
    actor: { kind: (ActorKind[e?.actor?.kind ?? ActorKind.UNSPECIFIED] ?? 'UNSPECIFIED').toLowerCase(), id: e?.actor?.id ?? '' },
    target: { type: e?.target?.type ?? '', id: e?.target?.id ?? '' },
    outcome: (Outcome[e?.outcome ?? Outcome.UNSPECIFIED] ?? 'UNSPECIFIED').toLowerCase(),
    sourceAddress: e?.sourceAddress ?? '',
    userAgent: e?.userAgent ?? '',
    traceId: e?.traceId ?? '',
    sessionId: e?.sessionId ?? '',
    detail: e?.detail ?? {},
  };
}

/** The CSV export's columns, in order. */
export const AUDIT_CSV_HEADER = [
  'sequence',
  'id',
  'occurredAt',
  'action',
  'actorKind',
  'actorId',
  'targetType',
  'targetId',
  'outcome',
  'sourceAddress',
  'userAgent',
  'traceId',
  'sessionId',
  'detail',
] as const;

/** One record as a CSV line (RFC 4180, formula cells neutralised); `detail` as a JSON object with sorted keys. */
export function auditCsvLine(stored: StoredAuditEvent): string {
  const v = auditRecordView(stored);
  const detail = JSON.stringify(Object.fromEntries(Object.entries(v.detail).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  return csvLine([
    v.sequence,
    v.id,
    v.occurredAt,
    v.action,
    v.actor.kind,
    v.actor.id,
    v.target.type,
    v.target.id,
    v.outcome,
    v.sourceAddress,
    v.userAgent,
    v.traceId,
    v.sessionId,
    detail,
  ]);
}

/** One record as an NDJSON line: the JSON view, then a line feed. */
export function auditNdjsonLine(stored: StoredAuditEvent): string {
  return `${JSON.stringify(auditRecordView(stored))}\n`;
}
