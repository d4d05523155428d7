import { Inject, Injectable } from '@nestjs/common';
import { parseMappingCsv } from '@ferry/migration/domain';
import type { ProjectRepository } from '../ports/project.ports';
import { activePass } from '../projects/active-pass';
import { auditBeforeCommit, changeEntry, type ControlCaller } from '../projects/caller';
import {
  InvalidControlCommandError,
  MigrationNotFoundError,
  MigrationStateError,
  type Violation,
} from '../projects/control-plane.errors';
import {
  MIGRATION_AUDIT_TRAIL,
  type MigrationAuditTrail,
  PROJECT_REPOSITORY,
} from '../projects/control-plane.ports';
import { uuids } from '../projects/control-refs';

/** Row errors answered at most (a bus message must stay small); the last violation counts the rest. */
export const MAX_ROW_VIOLATIONS = 100;

/**
 * Replaces a project's user mapping from CSV. Every row is checked first: with any bad row nothing is
 * stored and each refused row is a violation naming its line (never its value). Refused while a pass
 * of the project is scheduled, running or paused: the pass's mailboxes are fixed when it is created.
 */
@Injectable()
export class ImportMappingsUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(MIGRATION_AUDIT_TRAIL) private readonly audit: MigrationAuditTrail,
  ) {}

  async execute(input: {
    orgId: string;
    projectId: string;
    csv: string;
    caller: ControlCaller;
  }): Promise<{ imported: number }> {
    const { orgId, projectId } = uuids({ orgId: input.orgId, projectId: input.projectId });
    if (!(await this.projects.get(orgId, projectId))) throw new MigrationNotFoundError('project');
    const { rows, errors } = parseMappingCsv(input.csv);
    if (errors.length > 0) throw new InvalidControlCommandError(rowViolations(errors));
    const active = await activePass(this.projects, orgId, projectId);
    if (active)
      throw new MigrationStateError(
        `pass ${active.id} is ${active.status}; the mapping cannot change until it ends or is cancelled`,
      );
    const entry = changeEntry(
      input.caller,
      orgId,
      'migration.mappings.imported',
      { type: 'project', id: projectId },
      { rows: String(rows.length) },
    );
    const stored = await this.projects.replaceMappings(
      orgId,
      projectId,
      rows.map((r) => ({ sourceAddress: r.sourceAddress, targetAddress: r.targetAddress })),
      auditBeforeCommit(this.audit, entry),
    );
    if (!stored)
      throw new MigrationStateError(
        'a pass of the project is scheduled, running or paused; the mapping cannot change until it ends or is cancelled',
      );
    return { imported: rows.length };
  }
}

/** One violation per refused line (`line 0`: the file as a whole), bounded. */
function rowViolations(errors: readonly { line: number; reason: string }[]): Violation[] {
  const shown = errors
    .slice(0, MAX_ROW_VIOLATIONS)
    .map((e) => ({ field: e.line > 0 ? `line ${e.line}` : 'csv', reason: e.reason }));
  if (errors.length > MAX_ROW_VIOLATIONS)
    shown.push({
      field: 'csv',
      reason: `${errors.length - MAX_ROW_VIOLATIONS} more refused rows not listed`,
    });
  return shown;
}
