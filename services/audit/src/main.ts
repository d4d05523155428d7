import { loaded, telemetry } from './instrument';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS, AuditInfraModule } from '@ferry/audit/infra';
import { AuthModule } from '@ferry/platform/auth';
import { runService } from '@ferry/platform/service';

void runService({
  name: 'audit',
  loaded,
  telemetry,
  database: { entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS },
  modules: (config) => [AuthModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER }), AuditInfraModule],
});
