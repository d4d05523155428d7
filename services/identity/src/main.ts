import { loaded, telemetry } from './instrument';
import { runService } from '@ferry/platform/service';

// The shell: configuration, NATS, its own database schema, health and shutdown. Its use cases arrive
// with their issues.
void runService({ name: 'identity', loaded, telemetry, database: { entities: [], migrations: [] } });
