import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Connector } from '@ferry/connectors/domain';
import {
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  SECRET_FINGERPRINTER,
  type SecretFingerprinter,
} from './connector.ports';
import type { CreateConnectorCommand } from './create-connector.command';

/** Raised when the change could not be audited and was therefore undone. */
export class AuditUnavailableError extends Error {
  constructor() {
    super('the audit trail is unavailable; the change was not applied');
    this.name = 'AuditUnavailableError';
  }
}

/**
 * Creates a connector with its secret sealed in the vault. A configuration change that cannot be
 * audited is refused: if the audit record cannot be stored, the new row is removed again.
 */
@Injectable()
export class CreateConnectorUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_FINGERPRINTER) private readonly fingerprinter: SecretFingerprinter,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
  ) {}

  async execute(command: CreateConnectorCommand): Promise<Connector> {
    const connector: Connector = {
      id: randomUUID(),
      orgId: command.orgId,
      name: command.name,
      kind: command.kind,
      createdAt: new Date(),
      secretFingerprint: this.fingerprinter.fingerprint(command.secret),
    };
    await this.connectors.insertWithSecret(connector, command.secret);
    try {
      await this.audit.record({
        orgId: connector.orgId,
        actorId: command.actorId,
        action: 'connector.created',
        connectorId: connector.id,
        sourceAddress: command.sourceAddress,
        userAgent: command.userAgent,
      });
    } catch {
      await this.connectors.remove(connector.orgId, connector.id);
      throw new AuditUnavailableError();
    }
    return connector;
  }
}
