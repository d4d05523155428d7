import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MessagingClient } from '@ferry/platform/messaging';
import { DestinationPolicy } from '@ferry/platform/net';
import { AuditForwarder } from './audit-forwarder';
import type { RetryPolicy } from './batch-queue';
import type { AuditForwardingSettings } from './forwarding.config';
import type { ForwardingSink } from './forwarding-sink';
import { SyslogTlsSink } from './syslog/syslog-tls.sink';
import { WebhookSink } from './webhook/webhook.sink';

export const AUDIT_FORWARDING_SETTINGS = Symbol('AUDIT_FORWARDING_SETTINGS');

/** Settings plus what only tests change: retry pacing and the shutdown grace period. */
export interface AuditForwardingOptions extends AuditForwardingSettings {
  readonly retry?: RetryPolicy;
  readonly shutdownGraceMs?: number;
}

/** Builds the configured sinks and runs one forwarder, with its own durable consumer, per sink. */
@Injectable()
export class AuditForwardingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditForwarding');
  private readonly forwarders: AuditForwarder[] = [];
  private readonly starting: Promise<void>[] = [];

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AUDIT_FORWARDING_SETTINGS) private readonly options: AuditForwardingOptions,
  ) {}

  onApplicationBootstrap(): void {
    const sinks = this.sinks();
    if (sinks.length === 0) {
      this.logger.log('SIEM forwarding is off: no webhook URL or syslog host is configured');
      return;
    }
    for (const { sink, destination } of sinks) {
      const forwarder = new AuditForwarder(this.messaging, {
        sink,
        batch: this.options.batch,
        ackWaitMs: this.options.ackWaitMs,
        logger: this.logger,
        ...(this.options.retry && { retry: this.options.retry }),
        ...(this.options.shutdownGraceMs !== undefined && { shutdownGraceMs: this.options.shutdownGraceMs }),
      });
      this.forwarders.push(forwarder);
      // In the background, like every consumer: it starts once NATS is reachable.
      this.starting.push(
        forwarder.start().then(
          () => this.logger.log(`forwarding the audit stream to ${destination} (durable consumer ${forwarder.durable})`),
          (err: unknown) => this.logger.error(`audit forwarding to ${destination} did not start: ${(err as Error).message}`),
        ),
      );
    }
  }

  /** Resolves once every forwarder pulls (or failed to start); for tests and readiness. */
  async started(): Promise<void> {
    await Promise.all(this.starting);
  }

  async onModuleDestroy(): Promise<void> {
    // Not waiting for start-up: with NATS down it never ends, and the messaging client aborts it later.
    await Promise.all(this.forwarders.map((f) => f.stop()));
  }

  private sinks(): { sink: ForwardingSink; destination: string }[] {
    const { webhook, syslog, outbound, hostname, batch } = this.options;
    const policy = new DestinationPolicy({ allow: outbound.allow, extraDeny: outbound.deny });
    const sinks: { sink: ForwardingSink; destination: string }[] = [];
    if (webhook) sinks.push({ sink: new WebhookSink(webhook, policy, hostname, batch.maxBytes - 1), destination: `webhook ${webhook.url.origin}` });
    if (syslog) sinks.push({ sink: new SyslogTlsSink(syslog, policy, hostname), destination: `syslog ${syslog.host}:${syslog.port}` });
    return sinks;
  }
}
