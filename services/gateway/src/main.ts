import { loaded, telemetry } from './instrument';
import { GatewayApiModule } from '@ferry/gateway/api';
import { runService } from '@ferry/platform/service';

void runService({ name: 'gateway', loaded, telemetry, modules: () => [GatewayApiModule] });
