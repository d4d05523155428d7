import { create, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, type AuditEvent, AuditEventSchema, Outcome } from '@ferry/contracts';
import { summarizeAuditEvent } from '../audit-event.columns';
import type { AuditAppend } from '../audit.ports';

/** A deterministic, lower-case UUID for test event `n`. */
export const testEventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A valid published event and what the consumer appends for it. */
export function auditEventFixture(n: number, orgId: string, patch: Omit<MessageInitShape<typeof AuditEventSchema>, '$typeName'> = {}): AuditAppend & { event: AuditEvent } {
  const event = create(AuditEventSchema, {
    id: testEventId(n),
    orgId,
    occurredAt: timestampFromDate(new Date(Date.UTC(2026, 0, 1) + n * 1000)),
    action: 'connector.created',
    outcome: Outcome.SUCCESS,
    actor: { kind: ActorKind.ACCOUNT, id: 'acc-1' },
    target: { type: 'connector', id: `c-${n}` },
    detail: { n: String(n) },
    ...patch,
  });
  return { event, summary: summarizeAuditEvent(event), encoded: toBinary(AuditEventSchema, event) };
}
