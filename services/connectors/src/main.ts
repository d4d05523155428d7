import { loaded, telemetry } from './instrument';
import { CONNECTORS_ENTITIES, CONNECTORS_MIGRATIONS, ConnectorsInfraModule } from '@ferry/connectors/infra';
import { AuthModule, loadTrustedServiceKeys } from '@ferry/platform/auth';
import { readKeyProviderConfig } from '@ferry/platform/crypto';
import { runService } from '@ferry/platform/service';

const commaList = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

void runService({
  name: 'connectors',
  loaded,
  telemetry,
  database: { entities: CONNECTORS_ENTITIES, migrations: CONNECTORS_MIGRATIONS },
  modules: (config) => [
    AuthModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER }),
    ConnectorsInfraModule.forRoot({
      useFactory: async () => ({
        keyProvider: readKeyProviderConfig(process.env),
        fingerprintKey: Buffer.from(config.FERRY_PSEUDONYM_KEY, 'base64'),
        region: config.FERRY_REGION,
        outbound: { allow: commaList(config.FERRY_OUTBOUND_ALLOW), deny: commaList(config.FERRY_OUTBOUND_DENY) },
        google: { apiRoot: config.FERRY_GOOGLE_API_ROOT, authUri: config.FERRY_GOOGLE_AUTH_URI, tokenUri: config.FERRY_GOOGLE_TOKEN_URI },
        secretAge: { maxAgeDays: config.FERRY_SECRET_MAX_AGE_DAYS, expiryWarningDays: config.FERRY_SECRET_EXPIRY_WARNING_DAYS },
        // A trust directory that does not load fails start-up: the broker must know whom it serves.
        trustedServices: await loadTrustedServiceKeys(config.FERRY_SERVICE_TRUST_DIR),
      }),
    }),
  ],
});
