import {
  AppendAuditEventUseCase,
  AuditAppendBatcher,
  type AuditChainOptions,
  type AuditRetentionStore,
  ChainCheckpointer,
  type ChainSigner,
  EphemeralChainSigner,
  PurgeAuditRecordsUseCase,
  VerifyAuditChainUseCase,
} from '@ferry/audit/application';
import { MessagingClient } from '@ferry/platform/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import type { DataSource } from 'typeorm';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../index';
import { AUDIT_ACK_WAIT_MS, AuditEventsConsumer } from '../messaging/audit-events.consumer';
import { NatsAuditTrail } from '../messaging/nats-audit.trail';
import { TypeormAuditChainStore } from '../persistence/typeorm-audit-chain.store';
import { TypeormAuditRetentionStore } from '../persistence/typeorm-audit-retention.store';
import { TypeormAuditStore } from '../persistence/typeorm-audit.store';
import { auditHeadsBucketName, KvChainWitness } from '../witness/kv-chain.witness';

export interface AuditChainHarnessOptions {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** The run's NATS installation prefix. */
  readonly prefix: string;
  readonly chain?: Partial<AuditChainOptions>;
  readonly consumerConcurrency?: number;
  /** The consumer's ack wait (default AUDIT_ACK_WAIT_MS). */
  readonly consumerAckWaitMs?: number;
  readonly signer?: ChainSigner;
  readonly poolMax?: number;
}

/**
 * The audit service's chain wired by hand, as AuditInfraModule wires it, over a real database and
 * NATS: for integration tests and the append benchmark. The database must exist; its audit schema is
 * migrated here.
 */
export async function startAuditChainHarness(options: AuditChainHarnessOptions) {
  const db: DataSource = createServiceDataSource({
    url: options.databaseUrl,
    service: 'audit',
    entities: AUDIT_ENTITIES,
    migrations: AUDIT_MIGRATIONS,
    ...(options.poolMax ? { poolMax: options.poolMax } : {}),
  });
  await db.initialize();
  await migrateServiceSchema(db);
  const messaging = new MessagingClient({ servers: [options.natsUrl], service: 'audit', region: 'test', prefix: options.prefix, maxConnectBackoffMs: 500, drainTimeoutMs: 5000 });
  const settings: AuditChainOptions = { maxBatch: 500, checkpointEvery: 1000, defaultRetentionDays: 365, ...options.chain };
  const signer = options.signer ?? new EphemeralChainSigner();
  const store = new TypeormAuditStore(db);
  const chain = new TypeormAuditChainStore(db);
  const retention: AuditRetentionStore = new TypeormAuditRetentionStore(db);
  const witness = new KvChainWitness(messaging);
  const checkpointer = new ChainCheckpointer(chain, signer, witness, settings);
  const batcher = new AuditAppendBatcher(store, settings, checkpointer);
  const append = new AppendAuditEventUseCase(batcher);
  const trail = new NatsAuditTrail(messaging, { region: 'test' });
  const consumer = new AuditEventsConsumer(messaging, append, {
    consumerConcurrency: options.consumerConcurrency ?? 256,
    consumerAckWaitMs: options.consumerAckWaitMs ?? AUDIT_ACK_WAIT_MS,
  });
  return {
    db,
    messaging,
    settings,
    signer,
    store,
    chain,
    retention,
    witness,
    checkpointer,
    batcher,
    append,
    trail,
    consumer,
    verify: new VerifyAuditChainUseCase(chain, signer, witness),
    purge: new PurgeAuditRecordsUseCase(chain, retention, witness, trail, settings),
    /** Deletes the run's witness bucket (a KV stream, which the test namespace's cleanup does not see). */
    async dropWitness(): Promise<void> {
      const jsm = await (await messaging.ready()).jetstreamManager();
      await jsm.streams.delete(`KV_${auditHeadsBucketName(messaging)}`).catch(() => undefined);
    },
    async close(): Promise<void> {
      await messaging.close();
      await db.destroy();
    },
  };
}

export type AuditChainHarness = Awaited<ReturnType<typeof startAuditChainHarness>>;

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
