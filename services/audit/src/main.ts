import { forwarding, loaded, telemetry } from './instrument';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS, AuditForwardingModule, AuditInfraModule, FileChainSigner } from '@ferry/audit/infra';
import { AuthModule } from '@ferry/platform/auth';
import { runService } from '@ferry/platform/service';

void runService({
  name: 'audit',
  loaded,
  telemetry,
  database: { entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS },
  modules: (config) => [
    AuthModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER }),
    AuditInfraModule.forRoot({
      region: config.FERRY_REGION,
      // The key files were checked when the settings loaded (instrument.ts).
      signer: FileChainSigner.fromFiles(config.FERRY_AUDIT_SIGNING_KEY_FILE, config.FERRY_AUDIT_VERIFY_KEYS_FILE),
      consumerConcurrency: config.FERRY_AUDIT_CONSUMER_CONCURRENCY,
      consumerAckWaitMs: config.FERRY_AUDIT_CONSUMER_ACK_WAIT_MS,
      maxBatch: config.FERRY_AUDIT_BATCH_MAX,
      checkpointEvery: config.FERRY_AUDIT_CHECKPOINT_EVERY,
      checkpointIntervalMs: config.FERRY_AUDIT_CHECKPOINT_INTERVAL_MS,
      defaultRetentionDays: config.FERRY_AUDIT_RETENTION_DAYS,
      purgeIntervalMs: config.FERRY_AUDIT_PURGE_INTERVAL_MS,
      witnessReplicas: config.FERRY_AUDIT_WITNESS_REPLICAS,
      maxConcurrentVerifications: 2,
    }),
    AuditForwardingModule.forRoot(forwarding),
  ],
});
