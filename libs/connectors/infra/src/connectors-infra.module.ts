import { type DynamicModule, Module } from '@nestjs/common';
import {
  BROKER_TOKEN_CACHE,
  CLOCK,
  type Clock,
  CompleteConsentUseCase,
  CompleteDelegationUseCase,
  CONNECTION_TESTER,
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  CreateConnectorUseCase,
  CREDENTIAL_INSPECTOR,
  DELEGATION_PROVIDER,
  DeleteConnectorUseCase,
  FINGERPRINTER,
  ImportImapUsersUseCase,
  INSTALLATION_APP,
  IssueImapLoginUseCase,
  IssueTokenUseCase,
  ONBOARDING_STORE,
  PurgeProjectCredentialsUseCase,
  ReadConnectorsUseCase,
  RotateSecretUseCase,
  SECRET_AGE_POLICY,
  SECRET_VAULT,
  SERVICE_AUTHENTICATOR,
  StartConsentUseCase,
  StartDelegationUseCase,
  TestConnectorUseCase,
  TOKEN_SOURCE,
  TokenCache,
  UpdateConnectorUseCase,
} from '@ferry/connectors/application';
import { ServiceTokenVerifier } from '@ferry/platform/auth';
import { createKeyProvider, EnvelopeCipher } from '@ferry/platform/crypto';
import { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from './connectors-infra.options';
import { BrokerRpcHandler } from './messaging/broker-rpc.handler';
import { ConnectorsRpcHandler } from './messaging/connectors-rpc.handler';
import { NatsConnectorAuditTrail } from './messaging/nats-connector-audit.trail';
import { OnboardingRpcHandler } from './messaging/onboarding-rpc.handler';
import { CONSENT_CALLBACK_PATH, CONSENT_VERIFY_CALLBACK_PATH, callbackUrl, DELEGATION_CALLBACK_PATH } from './onboarding/callback-urls';
import { SecretSealer } from './persistence/secret-sealer';
import { TypeormConnectorRepository } from './persistence/typeorm-connector.repository';
import { TypeormOnboardingStore } from './persistence/typeorm-onboarding.store';
import { TypeormSecretVault } from './persistence/typeorm-secret.vault';
import { HmacFingerprinter } from './security/hmac-fingerprinter';
import { ServiceAssertionAuthenticator } from './security/service-assertion.authenticator';
import { SYSTEM_CLOCK } from './system-clock';
import { GoogleTenant } from './tenants/google.tenant';
import { ImapTenant } from './tenants/imap.tenant';
import { MicrosoftInstallationApp } from './tenants/microsoft-installation.app';
import { MicrosoftTenant } from './tenants/microsoft.tenant';
import { createOutbound, type Outbound } from './tenants/outbound';
import { TenantAdapters } from './tenants/tenant-adapters';

const TENANT_ADAPTERS = Symbol('TenantAdapters');
const OUTBOUND = Symbol('Outbound');

/** The connectors service's adapters and use cases. Requires MessagingModule, PersistenceModule and AuthModule in the app. */
@Module({})
export class ConnectorsInfraModule {
  static forRoot(options: { useFactory: (...deps: never[]) => ConnectorsInfraOptions | Promise<ConnectorsInfraOptions>; inject?: (string | symbol)[]; clock?: Clock }): DynamicModule {
    return {
      module: ConnectorsInfraModule,
      providers: [
        { provide: CONNECTORS_INFRA_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: CLOCK, useValue: options.clock ?? SYSTEM_CLOCK },
        {
          provide: EnvelopeCipher,
          // A missing or unreadable key ring fails start-up: the service must not run without its KEK.
          useFactory: async (o: ConnectorsInfraOptions) => new EnvelopeCipher(await createKeyProvider(o.keyProvider)),
          inject: [CONNECTORS_INFRA_OPTIONS],
        },
        { provide: FINGERPRINTER, useFactory: (o: ConnectorsInfraOptions) => new HmacFingerprinter(o.fingerprintKey), inject: [CONNECTORS_INFRA_OPTIONS] },
        { provide: SECRET_AGE_POLICY, useFactory: (o: ConnectorsInfraOptions) => o.secretAge, inject: [CONNECTORS_INFRA_OPTIONS] },
        {
          provide: SERVICE_AUTHENTICATOR,
          useFactory: (o: ConnectorsInfraOptions, clock: Clock) =>
            new ServiceAssertionAuthenticator(new ServiceTokenVerifier({ audience: 'svc:connectors', trusted: o.trustedServices, now: () => clock.now() })),
          inject: [CONNECTORS_INFRA_OPTIONS, CLOCK],
        },
        { provide: OUTBOUND, useFactory: (o: ConnectorsInfraOptions) => createOutbound(o.outbound), inject: [CONNECTORS_INFRA_OPTIONS] },
        {
          provide: INSTALLATION_APP,
          // A malformed callback URL fails start-up rather than the first consent.
          useFactory: (o: ConnectorsInfraOptions, outbound: Outbound) =>
            new MicrosoftInstallationApp(
              outbound,
              o.onboarding?.microsoftApp,
              o.onboarding ? callbackUrl(o.onboarding.callbackBaseUrl, CONSENT_CALLBACK_PATH) : null,
              o.onboarding?.consentPropagation,
              o.onboarding ? callbackUrl(o.onboarding.callbackBaseUrl, CONSENT_VERIFY_CALLBACK_PATH) : null,
            ),
          inject: [CONNECTORS_INFRA_OPTIONS, OUTBOUND],
        },
        {
          provide: TENANT_ADAPTERS,
          useFactory: (o: ConnectorsInfraOptions, outbound: Outbound, installation: MicrosoftInstallationApp) =>
            new TenantAdapters(
              { microsoft: new MicrosoftTenant(outbound, installation), google: new GoogleTenant(outbound, o.google), imap: new ImapTenant(outbound) },
              o.onboarding ? callbackUrl(o.onboarding.callbackBaseUrl, DELEGATION_CALLBACK_PATH) : null,
            ),
          inject: [CONNECTORS_INFRA_OPTIONS, OUTBOUND, INSTALLATION_APP],
        },
        { provide: CREDENTIAL_INSPECTOR, useExisting: TENANT_ADAPTERS },
        { provide: TOKEN_SOURCE, useExisting: TENANT_ADAPTERS },
        { provide: CONNECTION_TESTER, useExisting: TENANT_ADAPTERS },
        { provide: DELEGATION_PROVIDER, useExisting: TENANT_ADAPTERS },
        { provide: BROKER_TOKEN_CACHE, useFactory: (clock: Clock) => new TokenCache(clock), inject: [CLOCK] },
        SecretSealer,
        { provide: CONNECTOR_REPOSITORY, useClass: TypeormConnectorRepository },
        { provide: SECRET_VAULT, useClass: TypeormSecretVault },
        { provide: CONNECTOR_AUDIT_TRAIL, useClass: NatsConnectorAuditTrail },
        { provide: ONBOARDING_STORE, useClass: TypeormOnboardingStore },
        CreateConnectorUseCase,
        ReadConnectorsUseCase,
        UpdateConnectorUseCase,
        DeleteConnectorUseCase,
        RotateSecretUseCase,
        ImportImapUsersUseCase,
        TestConnectorUseCase,
        PurgeProjectCredentialsUseCase,
        IssueTokenUseCase,
        IssueImapLoginUseCase,
        StartConsentUseCase,
        CompleteConsentUseCase,
              StartDelegationUseCase,
        CompleteDelegationUseCase,
        ConnectorsRpcHandler,
        BrokerRpcHandler,
        OnboardingRpcHandler,
      ],
      exports: [EnvelopeCipher, BROKER_TOKEN_CACHE],
    };
  }
}
