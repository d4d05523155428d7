import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { IdentityAuditEntry, IdentityAuditTrail } from '@ferry/identity/application';
import { ActorKind, Events, Outcome } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { trace } from '@opentelemetry/api';
import { IDENTITY_INFRA_OPTIONS, type IdentityInfraOptions } from '../identity-infra.options';

const ACTOR_KINDS = { account: ActorKind.ACCOUNT, service: ActorKind.SERVICE, anonymous: ActorKind.ANONYMOUS } as const;
const OUTCOMES = { success: Outcome.SUCCESS, failure: Outcome.FAILURE, denied: Outcome.DENIED } as const;

/**
 * Publishes identity's audit records on the JetStream audit stream and waits for the stream's ack.
 * Platform-level records (no organisation: platform accounts, unknown login names) go to the
 * `platform` subject.
 */
@Injectable()
export class NatsIdentityAuditTrail implements IdentityAuditTrail {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(IDENTITY_INFRA_OPTIONS) private readonly options: IdentityInfraOptions,
  ) {}

  async record(entry: IdentityAuditEntry): Promise<void> {
    const id = randomUUID();
    await this.messaging.publish(
      Events.audit,
      { region: this.options.region, org: entry.orgId ?? 'platform' },
      {
        id,
        occurredAt: timestampFromDate(new Date()),
        orgId: entry.orgId ?? '',
        actor: { kind: ACTOR_KINDS[entry.actor.kind], id: entry.actor.id },
        action: entry.action,
        target: { type: entry.target.type, id: entry.target.id },
        outcome: OUTCOMES[entry.outcome],
        sourceAddress: entry.sourceAddress,
        userAgent: entry.userAgent,
        traceId: trace.getActiveSpan()?.spanContext().traceId ?? '',
        detail: { ...(entry.detail ?? {}) },
      },
      { msgId: id },
    );
  }
}
