import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ConnectorAuditEntry, ConnectorAuditTrail } from '@ferry/connectors/application';
import { ActorKind, Events, Outcome } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { trace } from '@opentelemetry/api';
import { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from '../connectors-infra.options';

/** Publishes connector audit records on the JetStream audit stream and waits for the stream's ack. */
@Injectable()
export class NatsConnectorAuditTrail implements ConnectorAuditTrail {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(CONNECTORS_INFRA_OPTIONS) private readonly options: ConnectorsInfraOptions,
  ) {}

  async record(entry: ConnectorAuditEntry): Promise<void> {
    const id = randomUUID();
    await this.messaging.publish(
      Events.audit,
      { region: this.options.region, org: entry.orgId },
      {
        id,
        occurredAt: timestampFromDate(new Date()),
        orgId: entry.orgId,
        actor: { kind: entry.actorId === 'unauthenticated' ? ActorKind.ANONYMOUS : ActorKind.ACCOUNT, id: entry.actorId },
        action: entry.action,
        target: { type: 'connector', id: entry.connectorId },
        outcome: Outcome.SUCCESS,
        sourceAddress: entry.sourceAddress,
        userAgent: entry.userAgent,
        traceId: trace.getActiveSpan()?.spanContext().traceId ?? '',
      },
      { msgId: id },
    );
  }
}
