import { CreateAuditTables1732300000000 } from './persistence/1732300000000-create-audit-tables.migration';
import { ChainAuditEvents1734500000001 } from './persistence/1734500000001-chain-audit-events.migration';
import { IndexAuditQueryColumns1736000000000 } from './persistence/1736000000000-index-audit-query-columns.migration';
import { AuditCheckpointEntity, AuditEventEntity, AuditRetentionEntity, ChainHeadEntity } from './persistence/audit-event.entity';

export { AuditInfraModule } from './audit-infra.module';
export { AuditForwardingModule, type AuditForwardingSettings, auditForwardingSettings } from './forwarding';
export { AUDIT_INFRA_OPTIONS, type AuditInfraOptions } from './audit-infra.options';
export { AUDIT_MAX_DELIVERIES, AUDIT_STORE_CONSUMER, AuditEventsConsumer } from './messaging/audit-events.consumer';
export { CHAIN_PAGE, TypeormAuditChainStore } from './persistence/typeorm-audit-chain.store';
export { TypeormAuditRetentionStore } from './persistence/typeorm-audit-retention.store';
export { TypeormAuditStore } from './persistence/typeorm-audit.store';
export { FileChainSigner, keyFileModeProblem, readAuditSigningKey, readAuditVerifyKeys } from './signing/file-chain.signer';
export { AUDIT_HEADS_BUCKET, auditHeadsBucketName, KvChainWitness, openAuditHeadsBucket, witnessKey } from './witness/kv-chain.witness';
export { AuditCheckpointEntity, AuditEventEntity, AuditRetentionEntity, ChainHeadEntity };

/** What the audit service's PersistenceModule needs: its entities and migrations. */
export const AUDIT_ENTITIES = [AuditEventEntity, ChainHeadEntity, AuditCheckpointEntity, AuditRetentionEntity];
export const AUDIT_MIGRATIONS = [CreateAuditTables1732300000000, ChainAuditEvents1734500000001, IndexAuditQueryColumns1736000000000];
