import { loaded, telemetry } from './instrument';
import { readFileSync } from 'node:fs';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS, IdentityInfraModule } from '@ferry/identity/infra';
import { AuthModule } from '@ferry/platform/auth';
import { readKeyProviderConfig } from '@ferry/platform/crypto';
import { runService } from '@ferry/platform/service';
import type { IdentityConfig } from './config';

/** A secret file's content without its final line break (files written by `echo` or editors end in one). */
const secretFile = (path: string | undefined): string | null => (path ? readFileSync(path, 'utf8').replace(/\r?\n$/, '') : null);

function sso(config: IdentityConfig) {
  const entraSecret = secretFile(config.FERRY_SSO_ENTRA_CLIENT_SECRET_FILE);
  const googleSecret = secretFile(config.FERRY_SSO_GOOGLE_CLIENT_SECRET_FILE);
  return {
    redirectUri: config.FERRY_SSO_REDIRECT_URI ?? null,
    entra: config.FERRY_SSO_ENTRA_CLIENT_ID && entraSecret ? { authority: config.FERRY_SSO_ENTRA_AUTHORITY, clientId: config.FERRY_SSO_ENTRA_CLIENT_ID, clientSecret: entraSecret } : null,
    google:
      config.FERRY_SSO_GOOGLE_CLIENT_ID && googleSecret
        ? { issuer: config.FERRY_SSO_GOOGLE_ISSUER, discoveryBase: config.FERRY_SSO_GOOGLE_DISCOVERY_URL ?? null, clientId: config.FERRY_SSO_GOOGLE_CLIENT_ID, clientSecret: googleSecret }
        : null,
  };
}

void runService({
  name: 'identity',
  loaded,
  telemetry,
  database: { entities: IDENTITY_ENTITIES, migrations: IDENTITY_MIGRATIONS },
  modules: (config) => [
    // Identity verifies its own tokens (sign-out, administration) the way every service does.
    AuthModule.forRoot({ issuer: config.FERRY_IDENTITY_ISSUER }),
    IdentityInfraModule.forRoot({
      useFactory: () => {
        const password = secretFile(config.FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE);
        return {
          region: config.FERRY_REGION,
          issuer: config.FERRY_IDENTITY_ISSUER,
          keyProvider: readKeyProviderConfig(process.env),
          pseudonymKey: Buffer.from(config.FERRY_PSEUDONYM_KEY, 'base64'),
          accessTokenTtlS: config.FERRY_ACCESS_TOKEN_TTL_S,
          idleTimeoutS: config.FERRY_SESSION_IDLE_TIMEOUT_S,
          absoluteTimeoutS: config.FERRY_SESSION_ABSOLUTE_TIMEOUT_S,
          signingKeyRotationDays: config.FERRY_SIGNING_KEY_ROTATION_DAYS,
          argon2: {
            memoryKiB: config.FERRY_ARGON2_MEMORY_KIB,
            iterations: config.FERRY_ARGON2_ITERATIONS,
            parallelism: config.FERRY_ARGON2_PARALLELISM,
            concurrency: config.FERRY_ARGON2_CONCURRENCY,
          },
          totpIssuer: config.FERRY_TOTP_ISSUER,
          bootstrapAdmin: config.FERRY_BOOTSTRAP_ADMIN_LOGIN || password ? { loginName: config.FERRY_BOOTSTRAP_ADMIN_LOGIN ?? '', password: password ?? '' } : null,
          sso: sso(config),
        };
      },
    }),
  ],
});
