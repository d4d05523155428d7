import { telemetry } from './instrument';
import { baseServiceSchema, withDatabase } from '@ferry/platform/config';
import { runService } from '@ferry/platform/service';

// The shell: configuration, NATS, its own database schema, health and shutdown. Its use cases arrive
// with their issues.
void runService({ name: 'identity', schema: withDatabase(baseServiceSchema), telemetry, database: { entities: [], migrations: [] } });
