import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type ActorKind, Events, type Outcome } from '@ferry/contracts';
import { trace } from '@opentelemetry/api';
import type { MessagingClient } from './messaging.client';

/** An audit event as a service describes it (see proto/ferry/audit/v1); publishing adds its id, time and trace id. */
export interface AuditEventDraft {
  /** Organisation (UUID), or '' for installation-level actions. */
  readonly orgId: string;
  readonly actor: { readonly kind: ActorKind; readonly id: string };
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  readonly outcome: Outcome;
  readonly sourceAddress: string;
  readonly userAgent: string;
  readonly detail?: Readonly<Record<string, string>>;
  /** The sign-in session the event belongs to (`session_id`), when it came from one; '' or absent otherwise. */
  readonly sessionId?: string;
}

/**
 * Publishes one audit event on `audit.v1.events.<region>.<org>` (`platform` when it belongs to no
 * organisation) with a fresh id as its deduplication key, the current time and the active trace id,
 * and resolves once the AUDIT stream stored it.
 */
export async function publishAuditEvent(messaging: MessagingClient, region: string, draft: AuditEventDraft): Promise<void> {
  const id = randomUUID();
  await messaging.publish(
    Events.audit,
    { region, org: draft.orgId || 'platform' },
    {
      ...draft,
      actor: { ...draft.actor },
      target: { ...draft.target },
      detail: { ...draft.detail },
      id,
      occurredAt: timestampFromDate(new Date()),
      traceId: trace.getActiveSpan()?.spanContext().traceId ?? '',
    },
    { msgId: id },
  );
}
