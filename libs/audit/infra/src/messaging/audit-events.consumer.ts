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
 * Default time JetStream waits for an event's ack before offering it again: what a replica killed
 * mid-batch costs its events before another replica appends them. Kept short because handlers keep
 * their events in progress (`working()`) while the batch holding them is written, so a slow
 * database does not run into it.
 */
export const AUDIT_ACK_WAIT_MS = 10_000;

/**
 * Appends every event on the audit stream, at least once. Many handlers run at once
 * (`consumerConcurrency`) so the batcher fills its transactions; each message is acked only after
 * its batch committed, so a crash loses nothing and a redelivery collapses into the stored record.
 * The consumer's max_ack_pending equals the concurrency: every delivered event is in a handler,
 * which keeps it in progress while it waits for its batch (none waits unattended in the client's
 * buffer), so only a dead replica's events wait out the ack wait. Consumption starts once the schema
 * is migrated.
 */
@Injectable()
export class AuditEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditConsumer');

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AppendAuditEventUseCase) private readonly append: AppendAuditEventUseCase,
    @Inject(AUDIT_INFRA_OPTIONS) private readonly options: Pick<AuditInfraOptions, 'consumerConcurrency' | 'consumerAckWaitMs'>,
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
      {
        durable: AUDIT_STORE_CONSUMER,
        concurrency: this.options.consumerConcurrency,
        maxAckPending: this.options.consumerConcurrency,
        maxDeliveries: AUDIT_MAX_DELIVERIES,
        // Set on the existing durable too (JetStream 2.9 updates ack_wait in place, and applies it to
        // events already delivered): a replica that restarts after a crash gets the dead one's events
        // once this has passed.
        ackWaitMs: this.options.consumerAckWaitMs,
        confirmAcks: false,
      },
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
