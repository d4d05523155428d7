import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { toBinary } from '@bufbuild/protobuf';
import { AppendAuditEventUseCase, InvalidAuditEventError, summarizeAuditEvent } from '@ferry/audit/application';
import { type AuditEvent, AuditEventSchema, Events } from '@ferry/contracts';
import { MessagingClient, PermanentMessageError, type WorkConsumer } from '@ferry/platform/messaging';
import { DatabaseConnectionService } from '@ferry/platform/persistence';
import { AUDIT_INFRA_OPTIONS, type AuditInfraOptions } from '../audit-infra.options';

/** Durable consumer name shared by every audit replica. */
export const AUDIT_STORE_CONSUMER = 'audit-store';

/**
 * Handler attempts before an event is dead-lettered. High, because an audit event must not be
 * given up while the database is merely down: with the consumer's delays (up to 2 minutes apart)
 * this rides out about an hour and a half of outage. Invalid events are dead-lettered at once.
 */
export const AUDIT_MAX_DELIVERIES = 50;

/**
 * Appends every event on the audit stream, at least once. Many handlers run at once
 * (`consumerConcurrency`, with the consumer's max_ack_pending at four times that) so the batcher
 * fills its transactions; each message is acked only after its batch committed, so a crash loses
 * nothing and a redelivery collapses into the stored record. Consumption starts once the schema is
 * migrated.
 */
@Injectable()
export class AuditEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditConsumer');

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AppendAuditEventUseCase) private readonly append: AppendAuditEventUseCase,
    @Inject(AUDIT_INFRA_OPTIONS) private readonly options: Pick<AuditInfraOptions, 'consumerConcurrency'>,
    @Optional() @Inject(DatabaseConnectionService) private readonly database?: Pick<DatabaseConnectionService, 'whenReady'>,
  ) {}

  onApplicationBootstrap(): void {
    void this.start().catch((err: unknown) => this.logger.warn(`audit consumer not started: ${(err as Error).message}`));
  }

  /** Waits for the database, then starts pulling. */
  async start(): Promise<WorkConsumer<typeof AuditEventSchema>> {
    await this.database?.whenReady();
    return this.messaging.consume(
      Events.audit,
      // Acks unconfirmed: appends are idempotent, so an ack lost on the way costs one collapsed
      // redelivery, and waiting for every confirmation was most of the consumer's CPU.
      { durable: AUDIT_STORE_CONSUMER, concurrency: this.options.consumerConcurrency, maxDeliveries: AUDIT_MAX_DELIVERIES, ackWaitMs: 60_000, confirmAcks: false },
      (event) => this.handle(event),
    );
  }

  async handle(event: AuditEvent): Promise<void> {
    try {
      await this.append.execute(summarizeAuditEvent(event), toBinary(AuditEventSchema, event));
    } catch (err) {
      if (err instanceof InvalidAuditEventError) throw new PermanentMessageError(err.message);
      throw err;
    }
  }
}
