import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Connector, type ConnectorWorkload, primarySecretField } from '@ferry/connectors/domain';
import { auditBeforeCommit, changeEntry } from '../caller';
import { InvalidCommandError } from '../connectors.errors';
import {
  CLOCK,
  type Clock,
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  CREDENTIAL_INSPECTOR,
  type CredentialInspector,
  type SecretInput,
} from '../connector.ports';
import type { CreateConnectorCommand } from './create-connector.command';

/**
 * Creates a connector with its secrets sealed in the vault. The provider adapter checks the
 * credential's format and endpoints first (nothing is stored when it refuses), and the audit record
 * is written before the transaction commits: a change that cannot be audited is not applied.
 */
@Injectable()
export class CreateConnectorUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(CREDENTIAL_INSPECTOR) private readonly inspector: CredentialInspector,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: CreateConnectorCommand): Promise<Connector> {
    const inspected = await this.inspector.inspect(command.settings, command.secret);
    if (inspected.violations.length > 0) throw new InvalidCommandError(inspected.violations);
    const now = this.clock.now();
    const connector: Connector = {
      id: randomUUID(),
      orgId: command.orgId,
      name: command.name,
      kind: inspected.settings.kind,
      settings: inspected.settings,
      workloads: command.workloads as ConnectorWorkload[],
      projectTag: command.projectTag,
      status: inspected.settings.kind === 'microsoft-365' && inspected.settings.auth === 'admin-consent' && !inspected.settings.tenantId ? 'pending-consent' : 'active',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const secrets: SecretInput[] = [];
    const field = primarySecretField(connector.settings);
    if (field && command.secret !== null) {
      secrets.push({ field, value: command.secret, expiresAt: earliest(command.secretExpiresAt, inspected.expiresAt) });
    }
    if (command.adminUser) secrets.push({ field: 'admin-user', value: command.adminUser, expiresAt: null });
    await this.connectors.insert(
      connector,
      secrets,
      auditBeforeCommit(this.audit, [changeEntry(command.caller, connector.orgId, connector.id, 'connector.created', { kind: connector.kind, auth: authOf(connector) })]),
    );
    return connector;
  }
}

export function authOf(connector: Connector): string {
  return connector.settings.auth;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
