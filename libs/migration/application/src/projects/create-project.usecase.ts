import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MailSystem } from '@ferry/migration/domain';
import type { Project, ProjectRepository } from '../ports/project.ports';
import { auditBeforeCommit, changeEntry, type ControlCaller } from './caller';
import { InvalidControlCommandError, type Violation } from './control-plane.errors';
import {
  CONNECTOR_DIRECTORY,
  type ConnectorDirectory,
  CONTROL_CLOCK,
  type ControlClock,
  MIGRATION_AUDIT_TRAIL,
  type MigrationAuditTrail,
  PROJECT_REPOSITORY,
} from './control-plane.ports';
import type { CreateProjectCommand } from './create-project.command';
import { isSupportedPair, supportedPairs } from './project-systems';

/**
 * Creates a project once both connectors are known in the caller's organisation (asked of the
 * connectors service with the caller's own token), carry the project's workloads and make a pair the
 * engine supports. The audit record is written before the insert commits.
 */
@Injectable()
export class CreateProjectUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(CONNECTOR_DIRECTORY) private readonly connectors: ConnectorDirectory,
    @Inject(MIGRATION_AUDIT_TRAIL) private readonly audit: MigrationAuditTrail,
    @Inject(CONTROL_CLOCK) private readonly clock: ControlClock,
  ) {}

  async execute(command: CreateProjectCommand): Promise<Project> {
    const violations: Violation[] = [];
    const source = await this.system(command, 'sourceConnectorId', command.sourceConnectorId, violations);
    const target = await this.system(command, 'targetConnectorId', command.targetConnectorId, violations);
    if (source && target && !isSupportedPair(source, target)) {
      violations.push({
        field: 'targetConnectorId',
        reason: `${source} -> ${target} is not supported; supported pairs: ${supportedPairs()}`,
      });
    }
    if (violations.length > 0 || !source || !target) throw new InvalidControlCommandError(violations);
    const now = this.clock.now();
    const project: Project = {
      id: randomUUID(),
      orgId: command.orgId,
      name: command.name,
      sourceConnectorId: command.sourceConnectorId,
      targetConnectorId: command.targetConnectorId,
      source,
      target,
      workloads: command.workloads,
      deletionPolicy: command.deletionPolicy,
      extraLabels: command.extraLabels,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const entry = changeEntry(
      command.caller,
      project.orgId,
      'migration.project.created',
      { type: 'project', id: project.id },
      {
        source,
        target,
        sourceConnectorId: project.sourceConnectorId,
        targetConnectorId: project.targetConnectorId,
        workloads: project.workloads.join(','),
        deletionPolicy: project.deletionPolicy,
        extraLabels: project.extraLabels,
      },
    );
    await this.projects.insert(project, auditBeforeCommit(this.audit, entry));
    return project;
  }

  /** The connector's system, or a violation naming the field when it cannot serve the project. */
  private async system(
    command: CreateProjectCommand,
    field: string,
    connectorId: string,
    violations: Violation[],
  ): Promise<MailSystem | null> {
    const caller: ControlCaller = command.caller;
    const connector = await this.connectors.connector(command.orgId, connectorId, caller);
    if (!connector) {
      violations.push({ field, reason: 'no such connector in this organisation' });
      return null;
    }
    if (!connector.system) violations.push({ field, reason: 'this kind of connector carries no mail' });
    else if (!connector.usable)
      violations.push({ field, reason: "the connector's credentials were removed" });
    else if (command.workloads.some((w) => !connector.workloads.includes(w)))
      violations.push({ field, reason: `the connector is not set up for ${command.workloads.join(', ')}` });
    else return connector.system;
    return null;
  }
}
