import { Inject, Injectable } from '@nestjs/common';
import { validateProjectTag } from '@ferry/connectors/domain';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { InvalidCommandError } from '../connectors.errors';
import { CONNECTOR_AUDIT_TRAIL, CONNECTOR_REPOSITORY, type ConnectorAuditTrail, type ConnectorRepository, SECRET_VAULT, type SecretVault } from '../connector.ports';
import { connectorRef } from '../connectors/connector-ref';

/**
 * Deletes every credential of a completed project's connectors in one call (one transaction): the
 * connectors stay, marked credentials-removed, so their history reads on; they issue nothing more.
 */
@Injectable()
export class PurgeProjectCredentialsUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
  ) {}

  async execute(input: { orgId: string; projectTag: string; caller: CallerInfo }): Promise<{ connectors: number; secretsDeleted: number }> {
    const { orgId } = connectorRef(input.orgId, '00000000-0000-4000-8000-000000000000');
    const violations = input.projectTag === '' ? [{ field: 'projectTag', reason: 'required' }] : validateProjectTag(input.projectTag);
    if (violations.length > 0) throw new InvalidCommandError(violations);
    const tagged = await this.connectors.listByProject(orgId, input.projectTag);
    if (tagged.length === 0) return { connectors: 0, secretsDeleted: 0 };
    const entries = tagged.map((c) => changeEntry(input.caller, orgId, c.id, 'connector.credentials.purged', { project: input.projectTag }));
    const secretsDeleted = await this.vault.purge(tagged, auditBeforeCommit(this.audit, entries));
    return { connectors: tagged.length, secretsDeleted };
  }
}
