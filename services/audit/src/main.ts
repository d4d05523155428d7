import { telemetry } from './instrument';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS, AuditInfraModule } from '@ferry/audit/infra';
import { baseServiceSchema, withDatabase } from '@ferry/platform/config';
import { runService } from '@ferry/platform/service';

void runService({
  name: 'audit',
  schema: withDatabase(baseServiceSchema),
  telemetry,
  database: { entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS },
  modules: () => [AuditInfraModule],
});
