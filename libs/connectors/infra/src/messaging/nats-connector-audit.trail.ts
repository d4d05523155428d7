import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConnectorAuditEntry, ConnectorAuditTrail } from '@ferry/connectors/application';
import { ActorKind, Outcome } from '@ferry/contracts';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from '../connectors-infra.options';

const ACTOR_KIND = { account: ActorKind.ACCOUNT, service: ActorKind.SERVICE, anonymous: ActorKind.ANONYMOUS } as const;
const OUTCOME = { success: Outcome.SUCCESS, failure: Outcome.FAILURE, denied: Outcome.DENIED } as const;

/**
 * Publishes connector audit records on the JetStream audit stream and waits for the stream's ack. A
 * record the stream did not take is logged (action and error class only): a change is then refused by
 * its use case, but a refusal stands without its record, and only this line tells the operator.
 */
@Injectable()
export class NatsConnectorAuditTrail implements ConnectorAuditTrail {
  private readonly logger = new Logger('ConnectorAudit');

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(CONNECTORS_INFRA_OPTIONS) private readonly options: ConnectorsInfraOptions,
  ) {}

  async record(entry: ConnectorAuditEntry): Promise<void> {
    try {
      await this.publish(entry);
    } catch (err) {
      this.logger.error(`could not store the audit record ${entry.action}: ${(err as Error)?.name ?? 'error'}`);
      throw err;
    }
  }

  private async publish(entry: ConnectorAuditEntry): Promise<void> {
    await publishAuditEvent(this.messaging, this.options.region, {
      orgId: entry.orgId,
      actor: { kind: ACTOR_KIND[entry.actor.kind], id: entry.actor.id },
      action: entry.action,
      target: { type: 'connector', id: entry.connectorId },
      outcome: OUTCOME[entry.outcome],
      sourceAddress: entry.sourceAddress,
      userAgent: entry.userAgent,
      ...(entry.detail && { detail: entry.detail }),
    });
  }
}
