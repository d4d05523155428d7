import { AuditEventEntity, ChainHeadEntity } from './persistence/audit-event.entity';
import { CreateAuditTables1732300000000 } from './persistence/1732300000000-create-audit-tables.migration';

export { AuditInfraModule } from './audit-infra.module';
export { AUDIT_STORE_CONSUMER, AuditEventsConsumer } from './messaging/audit-events.consumer';
export { TypeormAuditStore } from './persistence/typeorm-audit.store';
export { AuditEventEntity, ChainHeadEntity };

/** What the audit service's PersistenceModule needs: its entities and migrations. */
export const AUDIT_ENTITIES = [AuditEventEntity, ChainHeadEntity];
export const AUDIT_MIGRATIONS = [CreateAuditTables1732300000000];
