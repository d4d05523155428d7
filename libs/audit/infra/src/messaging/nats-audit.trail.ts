import { Inject, Injectable } from '@nestjs/common';
import type { AuditTrail, AuditTrailEntry } from '@ferry/audit/application';
import { ActorKind, Outcome } from '@ferry/contracts';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { AUDIT_INFRA_OPTIONS, type AuditInfraOptions } from '../audit-infra.options';

/** Publishes the audit service's own audit events on the audit stream, like every other service. */
@Injectable()
export class NatsAuditTrail implements AuditTrail {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AUDIT_INFRA_OPTIONS) private readonly options: Pick<AuditInfraOptions, 'region'>,
  ) {}

  async record(entry: AuditTrailEntry): Promise<void> {
    await publishAuditEvent(this.messaging, this.options.region, {
      orgId: entry.orgId,
      actor: { kind: entry.actor.kind === 'account' ? ActorKind.ACCOUNT : ActorKind.SERVICE, id: entry.actor.id },
      action: entry.action,
      target: { type: entry.targetType, id: entry.targetId },
      outcome: Outcome.SUCCESS,
      sourceAddress: entry.sourceAddress ?? '',
      userAgent: entry.userAgent ?? '',
      ...(entry.detail ? { detail: entry.detail } : {}),
    });
  }
}
