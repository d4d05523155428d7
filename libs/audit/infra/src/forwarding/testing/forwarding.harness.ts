import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, type AuditEvent, AuditEventSchema, Events, Outcome } from '@ferry/contracts';
import { loadConfig } from '@ferry/platform/config';
import { MessagingClient, MessagingModule } from '@ferry/platform/messaging';
import { type INestApplicationContext, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect } from 'nats';
import { z } from 'zod';
import { AuditForwardingModule } from '../audit-forwarding.module';
import { type AuditForwardingOptions, AuditForwardingService } from '../audit-forwarding.service';
import { auditForwardingConfigShape, auditForwardingSettings } from '../forwarding.config';

export const REGION = 'weu';
export const ORG = '6f1d2c3b-4a59-4e8d-9c0b-1a2b3c4d5e6f';
/** Secrets planted in the settings: no log line, error or dead letter may ever show them. */
export const HMAC_SECRET = 'hmac-secret-Zq8vN3xT7kLp2Rw9Yc4Hs6Jd1Fg5Bm0A';
export const HEC_TOKEN = 'hec-token-5b1f0c8e-7d2a-4c3e-9f61-2a8b7c6d5e4f';

/** A CA's certificate and the loopback server certificate it issued (the sandbox's `ensureSandboxCa` makes them). */
export interface TestCa {
  readonly caPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

/** Two throw-away CAs, each with a loopback server certificate: the right one and a stranger. */
export async function testCas(makeCa: (dir: string) => Promise<TestCa>): Promise<{ dir: string; right: TestCa; wrong: TestCa }> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-forwarding-'));
  const [right, wrong] = await Promise.all([makeCa(join(dir, 'right')), makeCa(join(dir, 'wrong'))]);
  return { dir, right, wrong };
}

/** What a run takes from the platform's testing library (which only spec files may import). */
export interface RunTools {
  readonly natsUrl: string;
  readonly ns: { readonly prefix: string; cleanup(): Promise<void> };
  readonly logger: LoggerService & { readonly entries: readonly { level: string; text: string }[]; at(level: 'error' | 'warn' | 'log'): string[] };
}

/** An audit event with every field set; `n` makes it distinct and orderable. */
export function auditEvent(n: number, detail: Record<string, string> = {}): AuditEvent {
  return create(AuditEventSchema, {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    occurredAt: timestampFromDate(new Date(Date.UTC(2025, 0, 1, 0, 0, n))),
    orgId: ORG,
    actor: { kind: ActorKind.ACCOUNT, id: `acct-${n}` },
    action: 'connector.secret.rotated',
    target: { type: 'connector', id: `conn-${n}` },
    outcome: Outcome.SUCCESS,
    sourceAddress: '198.51.100.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    detail: { pseudonym: `ps_${n}`, ...detail },
  });
}

/**
 * One test's forwarding world: its own NATS namespace (streams deleted at the end), a producer, the
 * forwarder booted as a Nest module from environment-style settings, and every log line recorded.
 */
export class ForwardingRun {
  readonly ns: RunTools['ns'];
  readonly logger: RunTools['logger'];
  readonly producer: MessagingClient;
  private app: INestApplicationContext | undefined;
  private readonly files = mkdtempSync(join(tmpdir(), 'ferry-forwarding-files-'));

  constructor(private readonly tools: RunTools) {
    this.ns = tools.ns;
    this.logger = tools.logger;
    this.producer = new MessagingClient({ servers: [tools.natsUrl], service: 'producer', region: REGION, prefix: this.ns.prefix, maxConnectBackoffMs: 500 });
  }

  /** Settings as the audit service would build them from `env` (secret and token written to files). */
  settings(env: Record<string, string>, secrets: { hmac?: string; token?: string; ca?: string } = {}): AuditForwardingOptions {
    const file = (name: string, text: string | undefined) => {
      if (text === undefined) return {};
      const path = join(this.files, name);
      writeFileSync(path, text, { mode: 0o600 });
      return { [`FERRY_AUDIT_FORWARD_${name}`]: path };
    };
    const all = { ...env, ...file('WEBHOOK_SECRET_FILE', secrets.hmac), ...file('WEBHOOK_TOKEN_FILE', secrets.token) };
    if (secrets.ca !== undefined) Object.assign(all, env['FERRY_AUDIT_FORWARD_WEBHOOK_URL'] ? file('WEBHOOK_CA_FILE', secrets.ca) : file('SYSLOG_CA_FILE', secrets.ca));
    const settings = auditForwardingSettings(loadConfig(z.object(auditForwardingConfigShape), all).config);
    return { ...settings, retry: { baseMs: 100, maxMs: 400, maxRetryAfterMs: 5000 }, shutdownGraceMs: 500 };
  }

  /** Boots the forwarder; `natsUrl` overrides where the service finds NATS (e.g. nowhere). */
  async start(options: AuditForwardingOptions, boot: { natsUrl?: string; waitForConsumers?: boolean } = {}): Promise<AuditForwardingService> {
    const messaging = { servers: [boot.natsUrl ?? this.tools.natsUrl], service: 'audit', region: REGION, prefix: this.ns.prefix, maxConnectBackoffMs: 500, drainTimeoutMs: 3000, logger: this.logger };
    @Module({ imports: [MessagingModule.forRoot(messaging), AuditForwardingModule.forRoot(options)] })
    class ForwardingTestModule {}
    this.app = await NestFactory.createApplicationContext(ForwardingTestModule, { logger: this.logger });
    const service = this.app.get(AuditForwardingService);
    if (boot.waitForConsumers ?? true) await service.started();
    return service;
  }

  async publish(events: AuditEvent[]): Promise<void> {
    for (const event of events) await this.producer.publish(Events.audit, { region: REGION, org: event.orgId }, event, { msgId: event.id });
  }

  /** The prefixed name of a stream of this run. */
  stream(name: 'AUDIT' | 'DEADLETTER'): string {
    return this.producer.naming.stream(name);
  }

  /**
   * The forwarder's consumer as the server sees it: what waits, what is delivered but not acked, how
   * many deliveries it made (redeliveries included) and its ack wait.
   */
  async consumer(durable: string): Promise<{ pending: number; ackPending: number; ackFloor: number; deliveries: number; ackWaitMs: number }> {
    const nc = await connect({ servers: this.tools.natsUrl });
    try {
      const info = await (await nc.jetstreamManager()).consumers.info(this.stream('AUDIT'), durable);
      return {
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        ackFloor: info.ack_floor.stream_seq,
        deliveries: info.delivered.consumer_seq,
        ackWaitMs: (info.config.ack_wait ?? 0) / 1e6,
      };
    } finally {
      await nc.close();
    }
  }

  /** Every log line of the run (forwarder and messaging). */
  lines(): string[] {
    return this.logger.entries.map((e) => `${e.level} ${e.text}`);
  }

  /** Shuts the forwarder's app down (as the service does on SIGTERM). */
  async stopApp(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async close(): Promise<void> {
    await this.stopApp();
    await this.producer.close();
    await this.ns.cleanup();
    rmSync(this.files, { recursive: true, force: true });
  }
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
