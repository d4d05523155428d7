import { telemetry } from './instrument';
import { baseServiceSchema } from '@ferry/platform/config';
import { runService } from '@ferry/platform/service';

// The shell: configuration, NATS, health and shutdown. It keeps no database of its own; its use cases
// arrive with their issues.
void runService({ name: 'freebusy', schema: baseServiceSchema, telemetry });
