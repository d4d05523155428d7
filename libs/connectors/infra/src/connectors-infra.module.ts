import { type DynamicModule, Module } from '@nestjs/common';
import {
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  CreateConnectorUseCase,
  ListConnectorsUseCase,
  SECRET_FINGERPRINTER,
} from '@ferry/connectors/application';
import { createKeyProvider, EnvelopeCipher, fingerprint } from '@ferry/platform/crypto';
import { CONNECTORS_INFRA_OPTIONS, type ConnectorsInfraOptions } from './connectors-infra.options';
import { ConnectorsRpcHandler } from './messaging/connectors-rpc.handler';
import { NatsConnectorAuditTrail } from './messaging/nats-connector-audit.trail';
import { TypeormConnectorRepository } from './persistence/typeorm-connector.repository';

/** The connectors service's adapters. Requires MessagingModule and PersistenceModule in the importing app. */
@Module({})
export class ConnectorsInfraModule {
  static forRoot(options: { useFactory: (...deps: never[]) => ConnectorsInfraOptions; inject?: (string | symbol)[] }): DynamicModule {
    return {
      module: ConnectorsInfraModule,
      providers: [
        { provide: CONNECTORS_INFRA_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: EnvelopeCipher,
          // A missing or unreadable key ring fails start-up: the service must not run without its KEK.
          useFactory: async (o: ConnectorsInfraOptions) => new EnvelopeCipher(await createKeyProvider(o.keyProvider)),
          inject: [CONNECTORS_INFRA_OPTIONS],
        },
        {
          provide: SECRET_FINGERPRINTER,
          useFactory: (o: ConnectorsInfraOptions) => ({ fingerprint: (secret: string) => fingerprint(secret, o.fingerprintKey) }),
          inject: [CONNECTORS_INFRA_OPTIONS],
        },
        { provide: CONNECTOR_REPOSITORY, useClass: TypeormConnectorRepository },
        { provide: CONNECTOR_AUDIT_TRAIL, useClass: NatsConnectorAuditTrail },
        CreateConnectorUseCase,
        ListConnectorsUseCase,
        ConnectorsRpcHandler,
      ],
    };
  }
}
