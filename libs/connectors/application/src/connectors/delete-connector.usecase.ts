import { Inject, Injectable } from '@nestjs/common';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { ConnectorNotFoundError } from '../connectors.errors';
import { CONNECTOR_AUDIT_TRAIL, CONNECTOR_REPOSITORY, type ConnectorAuditTrail, type ConnectorRepository } from '../connector.ports';
import { connectorRef } from './connector-ref';

/** Deletes a connector and every secret of it in one audited transaction. */
@Injectable()
export class DeleteConnectorUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
  ) {}

  async execute(input: { orgId: string; connectorId: string; caller: CallerInfo }): Promise<number> {
    const { orgId, connectorId } = connectorRef(input.orgId, input.connectorId);
    const existing = await this.connectors.get(orgId, connectorId);
    if (!existing) throw new ConnectorNotFoundError();
    const deleted = await this.connectors.delete(orgId, connectorId, auditBeforeCommit(this.audit, [changeEntry(input.caller, orgId, connectorId, 'connector.deleted', { kind: existing.kind })]));
    if (deleted === null) throw new ConnectorNotFoundError();
    return deleted;
  }
}
