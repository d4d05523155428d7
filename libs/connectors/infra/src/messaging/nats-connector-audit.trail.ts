import { Inject, Injectable } from '@nestjs/common';
import type { ConnectorAuditEntry, ConnectorAuditTrail } from '@ferry/connectors/application';
import { ActorKind, Outcome } from '@ferry/contracts';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from '../connectors-infra.options';

/** Publishes connector audit records on the JetStream audit stream and waits for the stream's ack. */
@Injectable()
export class NatsConnectorAuditTrail implements ConnectorAuditTrail {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(CONNECTORS_INFRA_OPTIONS) private readonly options: ConnectorsInfraOptions,
  ) {}

  async record(entry: ConnectorAuditEntry): Promise<void> {
    await publishAuditEvent(this.messaging, this.options.region, {
      orgId: entry.orgId,
      actor: { kind: entry.actorId === 'unauthenticated' ? ActorKind.ANONYMOUS : ActorKind.ACCOUNT, id: entry.actorId },
      action: entry.action,
      target: { type: 'connector', id: entry.connectorId },
      outcome: Outcome.SUCCESS,
      sourceAddress: entry.sourceAddress,
      userAgent: entry.userAgent,
    });
  }
}
