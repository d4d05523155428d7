import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pass, ProjectRepository, WorkQueue } from '../ports/project.ports';
import { activePass } from '../projects/active-pass';
import { auditBeforeCommit, changeEntry } from '../projects/caller';
import { MigrationNotFoundError, MigrationStateError } from '../projects/control-plane.errors';
import {
  CONTROL_CLOCK,
  type ControlClock,
  MIGRATION_AUDIT_TRAIL,
  type MigrationAuditTrail,
  PROJECT_REPOSITORY,
  WORK_QUEUE,
} from '../projects/control-plane.ports';
import { launchPass } from './pass-launcher';
import type { StartPassCommand } from './start-pass.command';

/**
 * Starts a pass over every mailbox of a project, or schedules it. One pass at a time: refused while
 * another is scheduled, running or paused. A delta pass needs no finished full pass: a mailbox without
 * a cursor is enumerated in full by the worker. The pass row (with a pending progress row per mailbox
 * and its audit record) commits first; only then is its work queued, so a worker never meets a plan
 * item for a pass it cannot read.
 */
@Injectable()
export class StartPassUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(MIGRATION_AUDIT_TRAIL) private readonly audit: MigrationAuditTrail,
    @Inject(CONTROL_CLOCK) private readonly clock: ControlClock,
  ) {}

  /**
   * @throws MigrationNotFoundError, MigrationStateError (409: another pass, no mapping),
   * WorkQueueUnavailableError (503, the pass is then failed).
   */
  async execute(command: StartPassCommand): Promise<Pass> {
    const { orgId, projectId } = command;
    if (!(await this.projects.get(orgId, projectId))) throw new MigrationNotFoundError('project');
    const mappings = await this.projects.mappings(orgId, projectId);
    if (mappings.length === 0)
      throw new MigrationStateError('the project has no user mapping; import one first');
    const active = await activePass(this.projects, orgId, projectId);
    if (active) throw new MigrationStateError(`pass ${active.id} is ${active.status}; one pass at a time`);
    const now = this.clock.now();
    const scheduled = command.scheduledFor !== null;
    const pass: Pass = {
      id: randomUUID(),
      projectId,
      orgId,
      kind: command.kind,
      status: scheduled ? 'scheduled' : 'running',
      final: command.final,
      scheduledFor: command.scheduledFor,
      createdAt: now,
      startedAt: scheduled ? null : now,
      finishedAt: null,
    };
    const mappingIds = mappings.map((m) => m.id);
    const detail = {
      projectId,
      kind: pass.kind,
      final: String(pass.final),
      mailboxes: String(mappingIds.length),
      ...(command.scheduledFor && { scheduledFor: command.scheduledFor.toISOString() }),
    };
    const entry = changeEntry(
      command.caller,
      orgId,
      scheduled ? 'migration.pass.scheduled' : 'migration.pass.started',
      { type: 'pass', id: pass.id },
      detail,
    );
    // The check above answers most cases with the pass's id; this closes the race of two starts.
    if (!(await this.projects.insertPass(pass, mappingIds, auditBeforeCommit(this.audit, entry)))) {
      throw new MigrationStateError('another pass of the project has just started; one pass at a time');
    }
    if (!scheduled) await launchPass(this.projects, this.queue, this.audit, pass, mappingIds);
    return pass;
  }
}
