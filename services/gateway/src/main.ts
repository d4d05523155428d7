import { loaded, telemetry } from './instrument';
import { GatewayApiModule } from '@ferry/gateway/api';
import { runService } from '@ferry/platform/service';

void runService({
  name: 'gateway',
  loaded,
  telemetry,
  // PUT .../connectors/{id}/imap-users takes the user list as CSV, up to the import contract's 4 MiB.
  textBodyTypes: [{ type: 'text/csv', limitBytes: 4 * 1024 * 1024 }],
  modules: (config) => [GatewayApiModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER, region: config.FERRY_REGION })],
});
