import { loaded, telemetry } from './instrument';
import { runService } from '@ferry/platform/service';

// The shell: configuration, NATS, health and shutdown. It keeps no database of its own; its use cases
// arrive with their issues.
void runService({ name: 'mailrouting', loaded, telemetry });
