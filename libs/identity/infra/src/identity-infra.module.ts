import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ACCESS_TOKEN_SIGNER,
  ACCOUNT_REPOSITORY,
  BootstrapPlatformAdminCommand,
  BootstrapPlatformAdminUseCase,
  CLOCK,
  type Clock,
  CompleteMfaUseCase,
  CompleteSsoUseCase,
  CreateAccountUseCase,
  CreateOrganisationUseCase,
  DEFAULT_IDENTITY_POLICY,
  GrantRoleUseCase,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_POLICY,
  IDENTITY_UNIT_OF_WORK,
  KEYED_HASHER,
  ListAccountsUseCase,
  OIDC_RELYING_PARTY,
  ORGANISATION_REPOSITORY,
  PASSWORD_HASHER,
  PENDING_STEP_REPOSITORY,
  PendingSteps,
  RefreshUseCase,
  ResetMfaUseCase,
  RevokeRoleUseCase,
  RevokeSessionsUseCase,
  SESSION_REPOSITORY,
  SessionIssuer,
  SignInThrottle,
  SignInWithPasswordUseCase,
  SignOutUseCase,
  SSO_TRANSACTION_REPOSITORY,
  StartEnrolmentUseCase,
  StartSsoUseCase,
  THROTTLE_STORE,
  TOTP,
  UpdateOrganisationUseCase,
  UpdateSsoSettingsUseCase,
  VerifyEnrolmentUseCase,
} from '@ferry/identity/application';
import { createKeyProvider, EnvelopeCipher } from '@ferry/platform/crypto';
import { ReadinessRegistry } from '@ferry/platform/health';
import { DatabaseConnectionService } from '@ferry/platform/persistence';
import { DataSource } from 'typeorm';
import { Argon2PasswordHasher } from './credentials/argon2-password-hasher.adapter';
import { HmacKeyedHasher } from './credentials/hmac-keyed-hasher.adapter';
import { OtpauthTotp } from './credentials/otpauth-totp.adapter';
import { IDENTITY_INFRA_OPTIONS, type IdentityInfraOptions } from './identity-infra.options';
import { AdminRpcHandler } from './messaging/admin-rpc.handler';
import { NatsIdentityAuditTrail } from './messaging/nats-identity-audit.trail';
import { SignInRpcHandler } from './messaging/sign-in-rpc.handler';
import { SqlThrottleStore } from './persistence/sql-throttle.store';
import { TypeormAccountRepository } from './persistence/typeorm-account.repository';
import { TypeormIdentityUnitOfWork } from './persistence/typeorm-identity-unit-of-work';
import { TypeormOrganisationRepository } from './persistence/typeorm-organisation.repository';
import { TypeormPendingStepRepository } from './persistence/typeorm-pending-step.repository';
import { TypeormSessionRepository } from './persistence/typeorm-session.repository';
import { TypeormSigningKeyStore } from './persistence/typeorm-signing-key.store';
import { TypeormSsoTransactionRepository } from './persistence/typeorm-sso-transaction.repository';
import { OpenIdRelyingParty } from './sso/openid-relying-party.adapter';
import { SystemClock } from './system-clock.adapter';
import { JoseAccessTokenSigner } from './tokens/jose-access-token.signer';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates the configured first platform admin, once. A weak or malformed setting fails start-up at
 * once; the creation itself waits for the database, and the service reports not-ready
 * (`bootstrap`) until it is done, so nobody signs in before the account exists.
 */
@Injectable()
class PlatformAdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');
  private state: { up: boolean; detail: string } = { up: false, detail: 'waiting for the database' };

  constructor(
    @Inject(BootstrapPlatformAdminUseCase) private readonly bootstrap: BootstrapPlatformAdminUseCase,
    @Inject(IDENTITY_INFRA_OPTIONS) private readonly options: IdentityInfraOptions,
    @Inject(DatabaseConnectionService) private readonly database: DatabaseConnectionService,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    readiness.register({ name: 'bootstrap', check: async () => this.state });
  }

  onApplicationBootstrap(): void {
    const admin = this.options.bootstrapAdmin;
    const command = BootstrapPlatformAdminCommand.create({ loginName: admin?.loginName ?? null, password: admin?.password ?? null });
    void this.database
      .whenReady()
      .then(() => this.bootstrap.execute(command))
      .then((outcome) => {
        if (outcome.outcome === 'created') this.logger.log(`created the first platform admin (account ${outcome.accountId}); it enrols TOTP at first sign-in`);
        this.state = { up: true, detail: outcome.outcome };
      })
      .catch((err: unknown) => {
        this.state = { up: false, detail: 'creating the first platform admin failed' };
        this.logger.error(`creating the first platform admin failed: ${(err as Error).name}: ${(err as Error).message}`);
      });
  }
}

/** The identity service's adapters and use cases. Requires MessagingModule, PersistenceModule and AuthModule in the app. */
@Module({})
export class IdentityInfraModule {
  static forRoot(options: { useFactory: (...deps: never[]) => IdentityInfraOptions; inject?: (string | symbol)[] }): DynamicModule {
    return {
      module: IdentityInfraModule,
      providers: [
        { provide: IDENTITY_INFRA_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: EnvelopeCipher,
          // A missing or unreadable key ring fails start-up: TOTP secrets and signing keys need it.
          useFactory: async (o: IdentityInfraOptions) => new EnvelopeCipher(await createKeyProvider(o.keyProvider)),
          inject: [IDENTITY_INFRA_OPTIONS],
        },
        {
          provide: IDENTITY_POLICY,
          useFactory: (o: IdentityInfraOptions) => ({
            ...DEFAULT_IDENTITY_POLICY,
            accessTokenTtlMs: o.accessTokenTtlS * 1000,
            sessionIdleMs: o.idleTimeoutS * 1000,
            sessionAbsoluteMs: o.absoluteTimeoutS * 1000,
            totpIssuer: o.totpIssuer,
          }),
          inject: [IDENTITY_INFRA_OPTIONS],
        },
        { provide: CLOCK, useClass: SystemClock },
        {
          provide: PASSWORD_HASHER,
          useFactory: (o: IdentityInfraOptions) =>
            new Argon2PasswordHasher({ memoryCost: o.argon2.memoryKiB, timeCost: o.argon2.iterations, parallelism: o.argon2.parallelism, maxConcurrent: o.argon2.concurrency }),
          inject: [IDENTITY_INFRA_OPTIONS],
        },
        { provide: TOTP, useFactory: (o: IdentityInfraOptions) => new OtpauthTotp(o.totpIssuer), inject: [IDENTITY_INFRA_OPTIONS] },
        { provide: KEYED_HASHER, useFactory: (o: IdentityInfraOptions) => new HmacKeyedHasher(o.pseudonymKey), inject: [IDENTITY_INFRA_OPTIONS] },
        {
          provide: ACCESS_TOKEN_SIGNER,
          useFactory: (o: IdentityInfraOptions, db: DataSource, cipher: EnvelopeCipher, clock: Clock) =>
            new JoseAccessTokenSigner(new TypeormSigningKeyStore(db, cipher), clock, {
              issuer: o.issuer,
              accessTokenTtlSeconds: o.accessTokenTtlS,
              rotationPeriodMs: o.signingKeyRotationDays * DAY_MS,
            }),
          inject: [IDENTITY_INFRA_OPTIONS, DataSource, EnvelopeCipher, CLOCK],
        },
        {
          provide: OIDC_RELYING_PARTY,
          useFactory: (o: IdentityInfraOptions) =>
            new OpenIdRelyingParty({
              redirectUri: o.sso.redirectUri ?? 'https://sso.invalid/api/v1/auth/sso/callback',
              ...(o.sso.redirectUri && o.sso.entra ? { entra: o.sso.entra } : {}),
              ...(o.sso.redirectUri && o.sso.google
                ? { google: { issuer: o.sso.google.issuer, clientId: o.sso.google.clientId, clientSecret: o.sso.google.clientSecret, ...(o.sso.google.discoveryBase ? { discoveryBase: o.sso.google.discoveryBase } : {}) } }
                : {}),
            }),
          inject: [IDENTITY_INFRA_OPTIONS],
        },
        { provide: ORGANISATION_REPOSITORY, useClass: TypeormOrganisationRepository },
        { provide: ACCOUNT_REPOSITORY, useClass: TypeormAccountRepository },
        { provide: SESSION_REPOSITORY, useClass: TypeormSessionRepository },
        { provide: IDENTITY_UNIT_OF_WORK, useClass: TypeormIdentityUnitOfWork },
        { provide: PENDING_STEP_REPOSITORY, useClass: TypeormPendingStepRepository },
        { provide: THROTTLE_STORE, useClass: SqlThrottleStore },
        { provide: SSO_TRANSACTION_REPOSITORY, useClass: TypeormSsoTransactionRepository },
        { provide: IDENTITY_AUDIT_TRAIL, useClass: NatsIdentityAuditTrail },
        PendingSteps,
        SignInThrottle,
        SessionIssuer,
        SignInWithPasswordUseCase,
        CompleteMfaUseCase,
        StartEnrolmentUseCase,
        VerifyEnrolmentUseCase,
        RefreshUseCase,
        SignOutUseCase,
        RevokeSessionsUseCase,
        ResetMfaUseCase,
        CreateOrganisationUseCase,
        CreateAccountUseCase,
        ListAccountsUseCase,
        GrantRoleUseCase,
        RevokeRoleUseCase,
        UpdateSsoSettingsUseCase,
        UpdateOrganisationUseCase,
        StartSsoUseCase,
        CompleteSsoUseCase,
        BootstrapPlatformAdminUseCase,
        PlatformAdminBootstrap,
        SignInRpcHandler,
        AdminRpcHandler,
      ],
    };
  }
}
