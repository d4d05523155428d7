import { loaded, telemetry } from './instrument';
import { CONNECTORS_ENTITIES, CONNECTORS_MIGRATIONS, ConnectorsInfraModule, InstallationAppConfigError, loadInstallationApp } from '@ferry/connectors/infra';
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
        ...(await onboarding(config)),
      }),
    }),
  ],
});

/** Admin consent and delegated grants: offered once the gateway's callback URL is known. */
async function onboarding(config: typeof loaded.config) {
  const microsoftApp = await loadInstallationApp({
    clientId: config.FERRY_MICROSOFT_APP_CLIENT_ID,
    certificateFile: config.FERRY_MICROSOFT_APP_CERTIFICATE_FILE,
    keyFile: config.FERRY_MICROSOFT_APP_KEY_FILE,
    secretFile: config.FERRY_MICROSOFT_APP_SECRET_FILE,
    cloud: config.FERRY_MICROSOFT_APP_CLOUD,
    authorityHost: config.FERRY_MICROSOFT_APP_AUTHORITY_HOST,
    graphOrigin: config.FERRY_MICROSOFT_APP_GRAPH_ORIGIN,
  });
  if (!config.FERRY_CONNECTORS_CALLBACK_URL) {
    // Entra must be told where to send the administrator back: an app without a callback is a mistake.
    if (microsoftApp) throw new InstallationAppConfigError('FERRY_MICROSOFT_APP_CLIENT_ID is set but FERRY_CONNECTORS_CALLBACK_URL is not');
    return {};
  }
  return { onboarding: { callbackBaseUrl: config.FERRY_CONNECTORS_CALLBACK_URL, ...(microsoftApp && { microsoftApp }) } };
}
