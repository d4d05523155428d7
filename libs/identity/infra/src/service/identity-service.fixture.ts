import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication, Module } from '@nestjs/common';
import { type AuditEvent, Streams } from '@ferry/contracts';
// The service-level tests drive identity through the public HTTP API, so they boot the gateway's
// controllers in-process; in production the two are separate services.
// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture: identity behind the real gateway
import { GatewayApiModule } from '@ferry/gateway/api';
import { AuthModule } from '@ferry/platform/auth';
import { EnvelopeCipher } from '@ferry/platform/crypto';
import { MessagingClient, MessagingModule } from '@ferry/platform/messaging';
import { HealthModule } from '@ferry/platform/health';
import { DatabaseReadinessProbe, PersistenceModule } from '@ferry/platform/persistence';
import { createHttpApp, listen } from '@ferry/platform/runtime';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture: real NATS namespace, database, log and span capture
import {
  auditEventText,
  createTestDatabase,
  dumpSchema,
  installSpanCapture,
  natsTestNamespace,
  readAuditStream,
  RecordingLogger,
  type SpanCapture,
  TEST_NATS_URL,
} from '@ferry/platform/testing';
import { DiscardPolicy } from 'nats';
import { DataSource } from 'typeorm';
import { ApiClient } from './api-client.fixture';
import { IdentityInfraModule } from '../identity-infra.module';
import type { IdentityInfraOptions } from '../identity-infra.options';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from '../index';
import { TypeormSigningKeyStore } from '../persistence/typeorm-signing-key.store';
import type { SigningKeyRecord } from '../tokens/signing-key.store';

export const ISSUER = 'urn:ferry:identity:service-test';
export const REGION = 'test';
/** The HTTP body limit every service has by default (HTTP_BODY_LIMIT). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** argon2id at the README defaults, for the latency measurement. */
export const ARGON2_DEFAULT = { memoryKiB: 65_536, iterations: 3, parallelism: 1, concurrency: 2 } as const;
/** argon2id at the ASVS floor the service accepts: the same code path, cheaper, for functional tests. */
export const ARGON2_FLOOR_SETTINGS = {
  memoryKiB: 19_456,
  iterations: 2,
  parallelism: 1,
  concurrency: 2,
} as const;

export interface IdentityServiceOptions {
  /** Names the database and NATS prefix of the run. */
  readonly label: string;
  readonly bootstrapAdmin?: { readonly loginName: string; readonly password: string };
  readonly argon2?: IdentityInfraOptions['argon2'];
  readonly sso?: IdentityInfraOptions['sso'];
  /** Where the gateway listens; 0 (default) picks a free port. SSO needs it known up front (the redirect URI). */
  readonly port?: number;
}

/** The identity service and the gateway in one Nest app over real NATS and PostgreSQL, listening on loopback. */
export interface IdentityService {
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** A client from 127.0.0.1. */
  readonly client: ApiClient;
  readonly logger: RecordingLogger;
  readonly spans: SpanCapture;
  readonly prefix: string;
  readonly pseudonymKey: Buffer;
  /** A second NATS client, for calling identity's subjects directly. */
  readonly peer: MessagingClient;
  /** A client from another loopback address (closed with the service). */
  clientFrom(localAddress: string, maxSockets?: number): ApiClient;
  /** Every event on the run's AUDIT stream, in order. */
  auditEvents(): Promise<AuditEvent[]>;
  /** Every row of every table in the identity schema, by table name. */
  identityTables(): Promise<Map<string, Record<string, unknown>[]>>;
  /** The current signing key, private part included: for forging tokens that differ in one claim only. */
  signingKey(): Promise<SigningKeyRecord>;
  /**
   * Runs `body` while the AUDIT stream takes no event (full: no more messages, new ones refused, as
   * at its storage limit), then puts the stream's configuration back.
   */
  withAuditStreamFull<T>(body: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Boots identity as its service does (messaging, persistence, health, auth, identity's modules) with
 * the gateway's API in the same app, on a fresh database and NATS prefix; resolves once ready.
 */
export async function startIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  // Undone in reverse at close, or at once when start-up fails half-way.
  const undo: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    return await start(options, undo, close);
  } catch (err) {
    await close();
    throw err;
  }
}

async function start(
  options: IdentityServiceOptions,
  undo: (() => Promise<unknown> | void)[],
  close: () => Promise<void>,
): Promise<IdentityService> {
  const spans = installSpanCapture();
  undo.push(() => spans.uninstall());
  const ns = natsTestNamespace(options.label);
  undo.push(() => ns.cleanup());
  const database = await createTestDatabase(options.label);
  undo.push(() => database.drop());
  const keyDir = mkdtempSync(join(tmpdir(), 'ferry-identity-service-'));
  undo.push(() => rmSync(keyDir, { recursive: true, force: true }));
  const logger = new RecordingLogger();
  const pseudonymKey = randomBytes(32);
  const identityOptions: IdentityInfraOptions = {
    region: REGION,
    issuer: ISSUER,
    keyProvider: { provider: 'local', file: join(keyDir, 'kek.json'), createIfMissing: true },
    pseudonymKey,
    accessTokenTtlS: 300,
    idleTimeoutS: 1800,
    absoluteTimeoutS: 43_200,
    signingKeyRotationDays: 30,
    argon2: options.argon2 ?? ARGON2_FLOOR_SETTINGS,
    totpIssuer: 'Ferry',
    bootstrapAdmin: options.bootstrapAdmin ?? null,
    sso: options.sso ?? { redirectUri: null, entra: null, google: null },
  };

  @Module({
    imports: [
      MessagingModule.forRoot({
        servers: [TEST_NATS_URL],
        service: 'identity',
        region: REGION,
        prefix: ns.prefix,
        logger,
      }),
      PersistenceModule.forService({
        url: database.url,
        service: 'identity',
        entities: IDENTITY_ENTITIES,
        migrations: IDENTITY_MIGRATIONS,
        logger,
      }),
      // As ServiceKitModule composes it; identity adds its own probe (the first platform admin).
      HealthModule.forRoot({ probes: [MessagingClient, DatabaseReadinessProbe] }),
      AuthModule.forRoot({ issuer: ISSUER }),
      IdentityInfraModule.forRoot({ useFactory: () => identityOptions }),
      GatewayApiModule.forRoot({ issuer: ISSUER, region: REGION }),
    ],
  })
  class IdentityServiceUnderTest {}

  const app = await createHttpApp(IdentityServiceUnderTest, { logger, bodyLimitBytes: BODY_LIMIT_BYTES });
  undo.push(() => app.close());
  const messaging = app.get(MessagingClient);
  // Streams are declared by the services that publish to them; the audit service would declare AUDIT too.
  await messaging.declareStream(Streams.audit);
  const { port } = await listen(app, { host: '127.0.0.1', port: options.port ?? 0 });
  const origin = `http://127.0.0.1:${port}`;
  const peer = new MessagingClient({
    servers: [TEST_NATS_URL],
    service: 'identity-test-peer',
    region: REGION,
    prefix: ns.prefix,
  });
  undo.push(() => peer.close());
  const clientFrom = (localAddress: string, maxSockets?: number) => {
    const c = new ApiClient(origin, localAddress, maxSockets);
    undo.push(() => c.close());
    return c;
  };
  const client = clientFrom('127.0.0.1');
  await waitUntilReady(client);
  const db = app.get(DataSource);

  return {
    app,
    origin,
    client,
    logger,
    spans,
    prefix: ns.prefix,
    pseudonymKey,
    peer,
    clientFrom,
    auditEvents: () => readAuditStream(messaging.naming.stream(Streams.audit.name)),
    identityTables: () => dumpSchema(db, 'identity'),
    async withAuditStreamFull(body) {
      const jsm = await (await messaging.ready()).jetstreamManager();
      const stream = messaging.naming.stream(Streams.audit.name);
      const { config, state } = await jsm.streams.info(stream);
      await jsm.streams.update(stream, { ...config, max_msgs: state.messages, discard: DiscardPolicy.New });
      try {
        return await body();
      } finally {
        await jsm.streams.update(stream, config);
      }
    },
    async signingKey() {
      const key = await new TypeormSigningKeyStore(db, app.get(EnvelopeCipher, { strict: false })).latest();
      if (!key) throw new Error('identity has no signing key yet');
      return key;
    },
    close,
  };
}

/** The database is migrated and the first platform admin created in the background; tests begin once ready. */
async function waitUntilReady(client: ApiClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await client.get('/health/ready');
    if (res.status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`the service did not become ready within 60 s: ${res.text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { auditEventText };

/** One place where the service recorded something: a log line, a span, an audit event, a table row. */
export interface Recorded {
  readonly where: string;
  readonly text: string;
}

/** Bytes as text and hex, so a secret kept in a binary column is found as well. */
function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (
      value &&
      typeof value === 'object' &&
      (value as { type?: string }).type === 'Buffer' &&
      Array.isArray((value as { data?: unknown }).data)
    ) {
      const bytes = Buffer.from((value as { data: number[] }).data);
      return `${bytes.toString('latin1')} ${bytes.toString('hex')}`;
    }
    return value;
  });
}

/** Everything the running service has recorded: every log line, span, audit event and identity row. */
export async function everythingRecorded(svc: IdentityService): Promise<Recorded[]> {
  const out: Recorded[] = svc.logger.entries.map((e, i) => ({
    where: `log #${i} (${e.level})`,
    text: e.text,
  }));
  for (const span of await svc.spans.finished()) {
    const text = JSON.stringify({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      status: span.status,
      links: span.links.map((l) => l.attributes),
    });
    out.push({ where: `span "${span.name}"`, text });
  }
  for (const event of await svc.auditEvents())
    out.push({ where: `audit event ${event.action}`, text: auditEventText(event) });
  for (const [table, rows] of await svc.identityTables()) {
    rows.forEach((row, i) => out.push({ where: `identity.${table} row ${i}`, text: rowText(row) }));
  }
  return out;
}
