import { loaded, telemetry } from './instrument';
import { MIGRATION_ENTITIES, MIGRATION_MIGRATIONS, MigrationServiceModule } from '@ferry/migration/infra';
import { AuthModule } from '@ferry/platform/auth';
import { runService } from '@ferry/platform/service';

const commaList = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

// Planner (API, planning, scheduler) and worker (carrying items) roles share one image; see README.
void runService({
  name: 'migration',
  loaded,
  telemetry,
  database: { entities: MIGRATION_ENTITIES, migrations: MIGRATION_MIGRATIONS },
  modules: (config) => [
      AuthModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER }),
      MigrationServiceModule.forRoot({
        role: config.FERRY_MIGRATION_ROLE,
        region: config.FERRY_REGION,
        serviceKeyFile: config.FERRY_SERVICE_KEY_FILE,
        adapters: {
          graphOrigin: config.FERRY_GRAPH_ORIGIN,
          googleApiRoot: config.FERRY_GOOGLE_API_ROOT,
          outbound: { allow: commaList(config.FERRY_OUTBOUND_ALLOW), deny: commaList(config.FERRY_OUTBOUND_DENY) },
          smallMessageBytes: config.FERRY_SMALL_MESSAGE_MIB * 1024 * 1024,
        },
        worker: {
          concurrency: config.FERRY_WORKER_CONCURRENCY,
          mailboxBatches: config.FERRY_WORKER_MAILBOX_BATCHES,
          heapGrowingPercent: config.FERRY_WORKER_HEAP_GROWING_PERCENT,
          limits: { batchItems: config.FERRY_BATCH_ITEMS, batchBytes: config.FERRY_BATCH_MIB * 1024 * 1024, itemConcurrency: config.FERRY_WORKER_ITEM_CONCURRENCY },
        },
      }),
  ],
});
