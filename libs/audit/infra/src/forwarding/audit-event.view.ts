import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, type AuditEvent, Outcome } from '@ferry/contracts';

/**
 * An audit event as a SIEM receives it: the field names of the gateway's audit view
 * (GET /api/v1/orgs/{org}/audit), without its `sequence` (the audit store's per-organisation position,
 * which a forwarder reading the stream does not have) and with `orgId` and `region`, which the API takes
 * from the path. Events carry user addresses only as pseudonyms; nothing is added here.
 */
export interface AuditEventView {
  readonly id: string;
  readonly occurredAt: string | null;
  readonly orgId: string;
  readonly region: string;
  readonly action: string;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly target: { readonly type: string; readonly id: string };
  readonly outcome: string;
  readonly sourceAddress: string;
  readonly userAgent: string;
  readonly traceId: string;
  readonly detail: Readonly<Record<string, string>>;
}

/** Where the event was read: its stream subject (relative to the installation prefix) and region. */
export interface EventOrigin {
  readonly subject: string;
  readonly region: string;
}

export function auditEventView(event: AuditEvent, origin: EventOrigin): AuditEventView {
  return {
    id: event.id,
    occurredAt: event.occurredAt ? timestampDate(event.occurredAt).toISOString() : null,
    orgId: event.orgId,
    region: origin.region,
    action: event.action,
    actor: { kind: (ActorKind[event.actor?.kind ?? ActorKind.UNSPECIFIED] ?? 'UNSPECIFIED').toLowerCase(), id: event.actor?.id ?? '' },
    target: { type: event.target?.type ?? '', id: event.target?.id ?? '' },
    outcome: (Outcome[event.outcome] ?? 'UNSPECIFIED').toLowerCase(),
    sourceAddress: event.sourceAddress,
    userAgent: event.userAgent,
    traceId: event.traceId,
    detail: { ...event.detail },
  };
}
