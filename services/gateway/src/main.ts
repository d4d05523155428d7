import { telemetry } from './instrument';
import { GatewayApiModule } from '@ferry/gateway/api';
import { baseServiceSchema } from '@ferry/platform/config';
import { runService } from '@ferry/platform/service';

void runService({ name: 'gateway', schema: baseServiceSchema, telemetry, modules: () => [GatewayApiModule] });
