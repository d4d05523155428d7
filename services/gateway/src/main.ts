import { loaded, telemetry } from './instrument';
import { GatewayApiModule } from '@ferry/gateway/api';
import { runService } from '@ferry/platform/service';

void runService({
  name: 'gateway',
  loaded,
  telemetry,
  modules: (config) => [GatewayApiModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER, region: config.FERRY_REGION })],
});
