import { Module } from '@nestjs/common';
import { AppendAuditEventUseCase, AUDIT_STORE, QueryAuditEventsUseCase } from '@ferry/audit/application';
import { AuditEventsConsumer } from './messaging/audit-events.consumer';
import { AuditQueryHandler } from './messaging/audit-query.handler';
import { TypeormAuditStore } from './persistence/typeorm-audit.store';

/** The audit service's adapters. Requires MessagingModule and PersistenceModule in the importing app. */
@Module({
  providers: [
    { provide: AUDIT_STORE, useClass: TypeormAuditStore },
    AppendAuditEventUseCase,
    QueryAuditEventsUseCase,
    AuditEventsConsumer,
    AuditQueryHandler,
  ],
})
export class AuditInfraModule {}
