import { Inject, Injectable } from '@nestjs/common';
import { type Connector, type ConnectorWorkload, validateName, validateProjectTag, validateWorkloads, type Violation } from '@ferry/connectors/domain';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { ConnectorNotFoundError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import { CLOCK, type Clock, CONNECTOR_AUDIT_TRAIL, CONNECTOR_REPOSITORY, type ConnectorAuditTrail, type ConnectorRepository } from '../connector.ports';
import { connectorRef } from './connector-ref';

export interface UpdateConnectorInput {
  readonly orgId: string;
  readonly connectorId: string;
  readonly name?: string;
  readonly workloads?: readonly string[];
  /** '' removes the tag. */
  readonly projectTag?: string;
  /** 0: do not check. */
  readonly expectedVersion: number;
  readonly caller: CallerInfo;
}

/** Renames a connector, changes its workloads or project tag; optimistic on its version. */
@Injectable()
export class UpdateConnectorUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: UpdateConnectorInput): Promise<Connector> {
    const { orgId, connectorId } = connectorRef(input.orgId, input.connectorId);
    const violations: Violation[] = [];
    if (input.name !== undefined) violations.push(...validateName(input.name));
    if (input.workloads !== undefined) violations.push(...validateWorkloads(input.workloads));
    if (input.projectTag !== undefined && input.projectTag !== '') violations.push(...validateProjectTag(input.projectTag));
    if (violations.length > 0) throw new InvalidCommandError(violations);
    const current = await this.connectors.get(orgId, connectorId);
    if (!current) throw new ConnectorNotFoundError();
    if (input.expectedVersion !== 0 && input.expectedVersion !== current.version) throw new ConnectorStateError('the connector changed since it was read; read it again');
    const next: Connector = {
      ...current,
      ...(input.name !== undefined && { name: input.name.trim() }),
      ...(input.workloads !== undefined && { workloads: input.workloads as ConnectorWorkload[] }),
      ...(input.projectTag !== undefined && { projectTag: input.projectTag === '' ? null : input.projectTag }),
      version: current.version + 1,
      updatedAt: this.clock.now(),
    };
    const changed = [input.name !== undefined && 'name', input.workloads !== undefined && 'workloads', input.projectTag !== undefined && 'projectTag'].filter(Boolean).join(',');
    const ok = await this.connectors.update(next, current.version, auditBeforeCommit(this.audit, [changeEntry(input.caller, orgId, connectorId, 'connector.updated', { changed })]));
    if (!ok) throw new ConnectorStateError('the connector changed since it was read; read it again');
    return next;
  }
}
