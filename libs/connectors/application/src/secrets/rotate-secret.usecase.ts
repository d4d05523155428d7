import { Inject, Injectable } from '@nestjs/common';
import { type Connector, primarySecretField, validateSecretValue } from '@ferry/connectors/domain';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { ConnectorNotFoundError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import {
  CLOCK,
  type Clock,
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  CREDENTIAL_INSPECTOR,
  type CredentialInspector,
  SECRET_VAULT,
  type SecretVault,
} from '../connector.ports';
import { connectorRef } from '../connectors/connector-ref';

export interface RotateSecretInput {
  readonly orgId: string;
  readonly connectorId: string;
  readonly secret: string;
  /** For certificate authentication: the certificate of the new private key. */
  readonly certificatePem?: string;
  readonly expiresAt: Date | null;
  readonly caller: CallerInfo;
}

/** Replaces a connector's primary secret (write-only); cached tokens of the old one are not served again. */
@Injectable()
export class RotateSecretUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(CREDENTIAL_INSPECTOR) private readonly inspector: CredentialInspector,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: RotateSecretInput): Promise<Connector> {
    const { orgId, connectorId } = connectorRef(input.orgId, input.connectorId);
    const violations = validateSecretValue(input.secret);
    if (violations.length > 0) throw new InvalidCommandError(violations);
    const current = await this.connectors.get(orgId, connectorId);
    if (!current) throw new ConnectorNotFoundError();
    const field = primarySecretField(current.settings);
    if (!field) throw new ConnectorStateError('this connector has no secret of its own to rotate');
    // A purge removed the sealed admin user too, and a rotation carries only the key: start afresh.
    if (current.status === 'credentials-removed' && current.settings.kind === 'google-workspace' && current.settings.auth === 'service-account') {
      throw new ConnectorStateError('its credentials were purged, the admin user with them: create a new connector');
    }
    let settings = current.settings;
    if (settings.kind === 'microsoft-365' && settings.auth === 'certificate') {
      if (!input.certificatePem) throw new InvalidCommandError([{ field: 'certificatePem', reason: 'required with a new private key' }]);
      settings = { ...settings, certificate: { pem: input.certificatePem, thumbprintSha256: '', notAfter: '' } };
    } else if (input.certificatePem) {
      throw new InvalidCommandError([{ field: 'certificatePem', reason: 'only for certificate authentication' }]);
    }
    const inspected = await this.inspector.inspect(settings, input.secret);
    if (inspected.violations.length > 0) throw new InvalidCommandError(inspected.violations);
    const next: Connector = {
      ...current,
      settings: inspected.settings,
      status: current.status === 'credentials-removed' ? 'active' : current.status,
      version: current.version + 1,
      updatedAt: this.clock.now(),
    };
    const expiresAt = [input.expiresAt, inspected.expiresAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    const stored = await this.vault.put(
      next,
      [{ field, value: input.secret, expiresAt }],
      auditBeforeCommit(this.audit, [changeEntry(input.caller, orgId, connectorId, 'connector.secret.rotated', { field })]),
    );
    if (!stored) throw new ConnectorStateError('the connector changed meanwhile; try again');
    return next;
  }
}
