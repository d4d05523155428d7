import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { toBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AppendAuditEventUseCase, InvalidAuditEventError } from '@ferry/audit/application';
import type { AuditOutcome } from '@ferry/audit/domain';
import { type AuditEvent, AuditEventSchema, Events, Outcome } from '@ferry/contracts';
import { MessagingClient, PermanentMessageError } from '@ferry/platform/messaging';

const OUTCOMES: Record<Outcome, AuditOutcome | 'unspecified'> = {
  [Outcome.UNSPECIFIED]: 'unspecified',
  [Outcome.SUCCESS]: 'success',
  [Outcome.FAILURE]: 'failure',
  [Outcome.DENIED]: 'denied',
};

/** Durable consumer name shared by every audit replica. */
export const AUDIT_STORE_CONSUMER = 'audit-store';

/** Appends every event on the audit stream, at least once; the store collapses redeliveries. */
@Injectable()
export class AuditEventsConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AppendAuditEventUseCase) private readonly append: AppendAuditEventUseCase,
  ) {}

  onApplicationBootstrap(): void {
    // Started in the background: the consumer begins once NATS is reachable.
    void this.messaging.consume(Events.audit, { durable: AUDIT_STORE_CONSUMER, concurrency: 8 }, (event) => this.handle(event));
  }

  async handle(event: AuditEvent): Promise<void> {
    const summary = {
      id: event.id.toLowerCase(),
      orgId: event.orgId.toLowerCase(),
      occurredAt: event.occurredAt ? timestampDate(event.occurredAt) : new Date(0),
      action: event.action,
      outcome: OUTCOMES[event.outcome] ?? 'unspecified',
    };
    try {
      await this.append.execute(summary, toBinary(AuditEventSchema, event));
    } catch (err) {
      if (err instanceof InvalidAuditEventError) throw new PermanentMessageError(err.message);
      throw err;
    }
  }
}
