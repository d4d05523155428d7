import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication, Module } from '@nestjs/common';
import { type AuditEvent, Rpc, Streams } from '@ferry/contracts';
import { AuthModule, ServiceTokenSigner } from '@ferry/platform/auth';
import { HealthModule } from '@ferry/platform/health';
import { MessagingClient, MessagingModule, RpcFailure } from '@ferry/platform/messaging';
import { DatabaseConnectionService, DatabaseReadinessProbe, PersistenceModule } from '@ferry/platform/persistence';
import { createHttpApp } from '@ferry/platform/runtime';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture: real NATS namespace, database, log and span capture
import { createTestDatabase, dumpSchema, installSpanCapture, natsTestNamespace, readAuditStream, RecordingLogger, type SpanCapture, TEST_NATS_URL } from '@ferry/platform/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture
export { auditEventText } from '@ferry/platform/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { ConnectorsInfraModule } from '../connectors-infra.module';
import type { ConnectorsInfraOptions } from '../connectors-infra.options';
import { CONNECTORS_ENTITIES, CONNECTORS_MIGRATIONS } from '../index';

export const ISSUER = 'urn:ferry:identity:connectors-test';
export const REGION = 'test';
export const ORG = '5a1e0c2d-7b3f-4d6e-9a8b-1c2d3e4f5a6b';
export const OTHER_ORG = '6b2f1d3e-8c4a-4e7f-8b9c-2d3e4f5a6b7c';

export interface ConnectorsServiceOptions {
  /** Names the database and NATS prefix of the run. */
  readonly label: string;
  readonly google?: ConnectorsInfraOptions['google'];
  /** Admin consent and delegated grants (the installation app, the gateway's callback base URL). */
  readonly onboarding?: ConnectorsInfraOptions['onboarding'];
  /** Outbound allow-list (default: the sandbox's 127.0.0.1). */
  readonly allow?: readonly string[];
}

/** The connectors service in one Nest app over real NATS and PostgreSQL, with identity's JWKS faked on the bus. */
export interface ConnectorsService {
  readonly app: INestApplication;
  readonly logger: RecordingLogger;
  readonly spans: SpanCapture;
  /** A NATS client of the same installation, as the gateway or a worker would be. */
  readonly peer: MessagingClient;
  /** An access token as identity would sign it. */
  accessToken(options?: { org?: string; roles?: string[]; account?: string }): Promise<string>;
  /** A service assertion of a trusted (`migration`, `freebusy`, `mailrouting`) or untrusted (`rogue`) service. */
  serviceToken(service: 'migration' | 'freebusy' | 'mailrouting' | 'rogue'): Promise<string>;
  auditEvents(): Promise<AuditEvent[]>;
  /** Every row of every table in the connectors schema, by table name. */
  tables(): Promise<Map<string, Record<string, unknown>[]>>;
  readonly db: DataSource;
  close(): Promise<void>;
}

export async function startConnectorsService(options: ConnectorsServiceOptions): Promise<ConnectorsService> {
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

async function start(options: ConnectorsServiceOptions, undo: (() => Promise<unknown> | void)[], close: () => Promise<void>): Promise<ConnectorsService> {
  const spans = installSpanCapture();
  undo.push(() => spans.uninstall());
  const ns = natsTestNamespace(options.label);
  undo.push(() => ns.cleanup());
  const database = await createTestDatabase(options.label);
  undo.push(() => database.drop());
  const keyDir = mkdtempSync(join(tmpdir(), 'ferry-connectors-service-'));
  undo.push(() => rmSync(keyDir, { recursive: true, force: true }));
  const logger = new RecordingLogger();

  const services = new Map<string, KeyObject>();
  for (const name of ['migration', 'freebusy', 'mailrouting', 'rogue']) services.set(name, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
  const trustedServices = new Map<string, KeyObject[]>(
    ['migration', 'freebusy', 'mailrouting'].map((name) => [name, [createPublicKey(services.get(name)!)]]),
  );
  const infraOptions: ConnectorsInfraOptions = {
    keyProvider: { provider: 'local', file: join(keyDir, 'kek.json'), createIfMissing: true },
    fingerprintKey: Buffer.alloc(32, 7),
    region: REGION,
    outbound: { allow: options.allow ?? ['127.0.0.1'], deny: [] },
    google: options.google ?? { apiRoot: 'https://www.googleapis.com/', authUri: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUri: 'https://oauth2.googleapis.com/token' },
    secretAge: { maxAgeDays: 90, expiryWarningDays: 14 },
    trustedServices,
    ...(options.onboarding && { onboarding: options.onboarding }),
  };

  @Module({
    imports: [
      MessagingModule.forRoot({ servers: [TEST_NATS_URL], service: 'connectors', region: REGION, prefix: ns.prefix, logger }),
      PersistenceModule.forService({ url: database.url, service: 'connectors', entities: CONNECTORS_ENTITIES, migrations: CONNECTORS_MIGRATIONS, logger }),
      HealthModule.forRoot({ probes: [MessagingClient, DatabaseReadinessProbe] }),
      AuthModule.forRoot({ issuer: ISSUER }),
      ConnectorsInfraModule.forRoot({ useFactory: () => infraOptions }),
    ],
  })
  class ConnectorsServiceUnderTest {}

  // Identity's JWKS, served on the run's namespace as identity would.
  const identityKey = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(identityKey.publicKey)), kid: 'test-key', use: 'sig', alg: 'ES256' };
  const identity = new MessagingClient({ servers: [TEST_NATS_URL], service: 'identity', region: REGION, prefix: ns.prefix });
  undo.push(() => identity.close());
  await identity.serve(Rpc.identity.jwks, async () => ({ jwksJson: JSON.stringify({ keys: [jwk] }) }));

  const app = await createHttpApp(ConnectorsServiceUnderTest, { logger, bodyLimitBytes: 1024 * 1024 });
  undo.push(() => app.close());
  await app.init();
  const messaging = app.get(MessagingClient);
  await messaging.declareStream(Streams.audit);
  // The database connects and migrates in the background; tests begin once it is ready.
  await app.get(DatabaseConnectionService).whenReady();

  const peer = new MessagingClient({ servers: [TEST_NATS_URL], service: 'gateway', region: REGION, prefix: ns.prefix });
  undo.push(() => peer.close());
  const signers = new Map([...services].map(([name, key]) => [name, new ServiceTokenSigner({ service: name, privateKey: key })]));
  const db = app.get(DataSource);

  return {
    app,
    logger,
    spans,
    peer,
    db,
    async accessToken({ org = ORG, roles = ['org-admin'], account = 'acct-admin' } = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sid: 'ses-1', org, roles, amr: ['pwd', 'otp'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience('ferry-api')
        .setSubject(account)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 300)
        .setJti(`jti-${now}-${Math.random()}`)
        .sign(identityKey.privateKey);
    },
    serviceToken: (service) => signers.get(service)!.token('svc:connectors'),
    auditEvents: () => readAuditStream(messaging.naming.stream(Streams.audit.name)),
    tables: () => dumpSchema(db, 'connectors'),
    close,
  };
}

/** The RPC failure `p` ends in; fails the test when it succeeds or fails otherwise. */
export async function rpcFailure(p: Promise<unknown>): Promise<RpcFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RpcFailure) return err;
    throw err;
  }
  throw new Error('expected an RPC failure');
}
