import { Inject, Injectable } from '@nestjs/common';
import { ActorKind, Outcome } from '@ferry/contracts';
import type { MigrationAuditEntry, MigrationAuditTrail } from '@ferry/migration/application';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { MIGRATION_CONTROL_OPTIONS, type MigrationControlOptions } from './migration-control.options';

const ACTOR_KIND = { account: ActorKind.ACCOUNT, service: ActorKind.SERVICE } as const;

/**
 * Publishes control-plane audit records (project, mapping, pass changes) on the JetStream audit stream
 * and waits for the stream's ack; run as a change's before-commit step, so no record means no change.
 */
@Injectable()
export class NatsMigrationAuditTrail implements MigrationAuditTrail {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(MIGRATION_CONTROL_OPTIONS) private readonly options: MigrationControlOptions,
  ) {}

  async record(entry: MigrationAuditEntry): Promise<void> {
    await publishAuditEvent(this.messaging, this.options.region, {
      orgId: entry.orgId,
      actor: { kind: ACTOR_KIND[entry.actor.kind], id: entry.actor.id },
      action: entry.action,
      target: { type: entry.target.type, id: entry.target.id },
      outcome: Outcome.SUCCESS,
      sourceAddress: entry.sourceAddress,
      userAgent: entry.userAgent,
      detail: entry.detail,
    });
  }
}
