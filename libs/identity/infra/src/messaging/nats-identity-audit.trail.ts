import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IdentityAuditEntry, IdentityAuditTrail } from '@ferry/identity/application';
import { ActorKind, Outcome } from '@ferry/contracts';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { IDENTITY_INFRA_OPTIONS, type IdentityInfraOptions } from '../identity-infra.options';

const ACTOR_KINDS = { account: ActorKind.ACCOUNT, service: ActorKind.SERVICE, anonymous: ActorKind.ANONYMOUS } as const;
const OUTCOMES = { success: Outcome.SUCCESS, failure: Outcome.FAILURE, denied: Outcome.DENIED } as const;

/**
 * Publishes identity's audit records on the JetStream audit stream and waits for the stream's ack.
 * Platform-level records (no organisation: platform accounts, unknown login names) go to the
 * `platform` subject. A record the stream did not take is logged (its action only) and the error
 * passed on: the use case decides whether the action stands.
 */
@Injectable()
export class NatsIdentityAuditTrail implements IdentityAuditTrail {
  private readonly logger = new Logger('IdentityAudit');

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(IDENTITY_INFRA_OPTIONS) private readonly options: IdentityInfraOptions,
  ) {}

  async record(entry: IdentityAuditEntry): Promise<void> {
    try {
      await this.publish(entry);
    } catch (err) {
      this.logger.error(`could not store the audit record ${entry.action}: ${(err as Error)?.name ?? 'error'}`);
      throw err;
    }
  }

  private async publish(entry: IdentityAuditEntry): Promise<void> {
    await publishAuditEvent(this.messaging, this.options.region, {
      orgId: entry.orgId ?? '',
      actor: { kind: ACTOR_KINDS[entry.actor.kind], id: entry.actor.id },
      action: entry.action,
      target: { type: entry.target.type, id: entry.target.id },
      outcome: OUTCOMES[entry.outcome],
      sourceAddress: entry.sourceAddress,
      userAgent: entry.userAgent,
      ...(entry.detail ? { detail: entry.detail } : {}),
      ...(entry.sessionId ? { sessionId: entry.sessionId } : {}),
    });
  }
}
