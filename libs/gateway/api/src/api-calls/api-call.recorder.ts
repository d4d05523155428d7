import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { GATEWAY_API_OPTIONS, type GatewayApiOptions } from '../gateway-api.options';
import { type ApiCall, apiCallEvent } from './api-call.event';
import { BoundedAuditPublisher, type PublisherStats } from './bounded-audit.publisher';

/** API-call records being published at once per gateway replica; more are dropped. */
export const API_CALL_MAX_IN_FLIGHT = 256;
/** At most one log line about dropped records per minute. */
const DROP_REPORT_EVERY_MS = 60_000;
/** How long shutdown waits for records still being published (NATS drains after). */
const SHUTDOWN_DRAIN_MS = 2_000;

/**
 * Publishes an `api.call` audit record per finished call, best-effort: never awaited by the request,
 * bounded in flight, dropped and counted when the stream is unreachable or slow (see
 * BoundedAuditPublisher). The answer was already sent when a call is recorded.
 */
@Injectable()
export class ApiCallRecorder implements BeforeApplicationShutdown {
  private readonly publisher: BoundedAuditPublisher;

  constructor(
    @Inject(MessagingClient) messaging: MessagingClient,
    @Inject(GATEWAY_API_OPTIONS) options: GatewayApiOptions,
  ) {
    const logger = new Logger('ApiCallAudit');
    this.publisher = new BoundedAuditPublisher((draft) => publishAuditEvent(messaging, options.region, draft), {
      maxInFlight: API_CALL_MAX_IN_FLIGHT,
      reportEveryMs: DROP_REPORT_EVERY_MS,
      logger: { warn: (message) => logger.warn(message) },
    });
  }

  /** Starts publishing the call's record; returns at once. */
  record(call: ApiCall): void {
    this.publisher.offer(apiCallEvent(call));
  }

  stats(): PublisherStats {
    return this.publisher.stats();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher.drain(SHUTDOWN_DRAIN_MS);
  }
}
