import { type DynamicModule, Module } from '@nestjs/common';
import {
  AppendAuditEventUseCase,
  AUDIT_CHAIN_OPTIONS,
  AUDIT_CHAIN_STORE,
  AUDIT_RETENTION_STORE,
  AUDIT_STORE,
  AUDIT_TRAIL,
  AuditAppendBatcher,
  type AuditChainOptions,
  AuditRetentionUseCase,
  CHAIN_SIGNER,
  CHAIN_WITNESS,
  ChainCheckpointer,
  ListSessionEventsUseCase,
  PurgeAuditRecordsUseCase,
  QueryAuditEventsUseCase,
  VerifyAuditChainUseCase,
} from '@ferry/audit/application';
import { MessagingClient } from '@ferry/platform/messaging';
import { AUDIT_INFRA_OPTIONS, type AuditInfraOptions } from './audit-infra.options';
import { AuditEventsConsumer } from './messaging/audit-events.consumer';
import { AuditQueryHandler } from './messaging/audit-query.handler';
import { AuditRetentionHandler } from './messaging/audit-retention.handler';
import { AuditVerifyHandler } from './messaging/audit-verify.handler';
import { NatsAuditTrail } from './messaging/nats-audit.trail';
import { TypeormAuditChainStore } from './persistence/typeorm-audit-chain.store';
import { TypeormAuditRetentionStore } from './persistence/typeorm-audit-retention.store';
import { TypeormAuditStore } from './persistence/typeorm-audit.store';
import { AuditChainScheduler } from './scheduling/audit-chain.scheduler';
import { KvChainWitness } from './witness/kv-chain.witness';

/** The audit service's adapters and use cases. Requires MessagingModule, PersistenceModule and AuthModule in the importing app. */
@Module({})
export class AuditInfraModule {
  static forRoot(options: AuditInfraOptions): DynamicModule {
    const chain: AuditChainOptions = {
      maxBatch: options.maxBatch,
      checkpointEvery: options.checkpointEvery,
      defaultRetentionDays: options.defaultRetentionDays,
    };
    return {
      module: AuditInfraModule,
      providers: [
        { provide: AUDIT_INFRA_OPTIONS, useValue: options },
        { provide: AUDIT_CHAIN_OPTIONS, useValue: chain },
        { provide: CHAIN_SIGNER, useValue: options.signer },
        { provide: CHAIN_WITNESS, useFactory: (m: MessagingClient) => new KvChainWitness(m, options.witnessReplicas), inject: [MessagingClient] },
        { provide: AUDIT_STORE, useClass: TypeormAuditStore },
        { provide: AUDIT_CHAIN_STORE, useClass: TypeormAuditChainStore },
        { provide: AUDIT_RETENTION_STORE, useClass: TypeormAuditRetentionStore },
        { provide: AUDIT_TRAIL, useClass: NatsAuditTrail },
        ChainCheckpointer,
        AuditAppendBatcher,
        AppendAuditEventUseCase,
        QueryAuditEventsUseCase,
        ListSessionEventsUseCase,
        VerifyAuditChainUseCase,
        PurgeAuditRecordsUseCase,
        AuditRetentionUseCase,
        AuditEventsConsumer,
        AuditQueryHandler,
        AuditVerifyHandler,
        AuditRetentionHandler,
        AuditChainScheduler,
      ],
    };
  }
}
