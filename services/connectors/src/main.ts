import { loaded, telemetry } from './instrument';
import { CONNECTORS_ENTITIES, CONNECTORS_MIGRATIONS, ConnectorsInfraModule } from '@ferry/connectors/infra';
import { AuthModule } from '@ferry/platform/auth';
import { readKeyProviderConfig } from '@ferry/platform/crypto';
import { runService } from '@ferry/platform/service';

void runService({
  name: 'connectors',
  loaded,
  telemetry,
  database: { entities: CONNECTORS_ENTITIES, migrations: CONNECTORS_MIGRATIONS },
  modules: (config) => [
    AuthModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER }),
    ConnectorsInfraModule.forRoot({
      useFactory: () => ({
        keyProvider: readKeyProviderConfig(process.env),
        fingerprintKey: Buffer.from(config.FERRY_PSEUDONYM_KEY, 'base64'),
        region: config.FERRY_REGION,
      }),
    }),
  ],
});
