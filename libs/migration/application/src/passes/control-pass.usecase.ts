import { Inject, Injectable } from '@nestjs/common';
import { checkPassAction, describePassRefusal, PASS_TRANSITIONS } from '@ferry/migration/domain';
import type { Pass, ProjectRepository, WorkQueue } from '../ports/project.ports';
import { auditBeforeCommit, changeEntry, type ControlCaller } from '../projects/caller';
import { MigrationNotFoundError, MigrationStateError } from '../projects/control-plane.errors';
import {
  MIGRATION_AUDIT_TRAIL,
  type MigrationAuditAction,
  type MigrationAuditTrail,
  PROJECT_REPOSITORY,
  WORK_QUEUE,
} from '../projects/control-plane.ports';
import { findPass } from './pass-ref';

/** An operator's change to a pass. */
export type PassChange = 'pause' | 'resume' | 'cancel';

// A paused pass's queued items wait (workers leave them queued); resuming needs no re-planning.
const AUDIT_ACTION: Record<PassChange, MigrationAuditAction> = {
  pause: 'migration.pass.paused',
  resume: 'migration.pass.resumed',
  cancel: 'migration.pass.cancelled',
};

/**
 * Pauses, resumes or cancels a pass (the domain's transitions, compare-and-set on its status, audited
 * in the same transaction). Cancelling drops the project's queued work after the change commits;
 * cancelling a cancelled pass drops it again, so a cancel whose purge failed can simply be repeated.
 */
@Injectable()
export class ControlPassUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(MIGRATION_AUDIT_TRAIL) private readonly audit: MigrationAuditTrail,
  ) {}

  /** @throws MigrationNotFoundError, MigrationStateError (409) when the pass's status does not allow it. */
  async execute(input: {
    orgId: string;
    projectId: string;
    passId: string;
    change: PassChange;
    caller: ControlCaller;
  }): Promise<Pass> {
    const pass = await findPass(this.projects, input);
    if (input.change === 'cancel' && pass.status === 'cancelled') {
      await this.queue.purge(pass.orgId, pass.projectId);
      return pass;
    }
    refuseUnlessAllowed(pass, input.change);
    const { from, to } = PASS_TRANSITIONS[input.change];
    const entry = changeEntry(
      input.caller,
      pass.orgId,
      AUDIT_ACTION[input.change],
      { type: 'pass', id: pass.id },
      { projectId: pass.projectId, from: pass.status },
    );
    const changed = await this.projects.setPassStatus(
      pass.orgId,
      pass.id,
      from,
      to,
      auditBeforeCommit(this.audit, entry),
    );
    const now = await this.projects.pass(pass.orgId, pass.id);
    if (!now) throw new MigrationNotFoundError('pass');
    // Changed meanwhile (a worker completed it, another operator acted): say what it is now.
    if (!changed) refuseUnlessAllowed(now, input.change);
    if (input.change === 'cancel') await this.queue.purge(pass.orgId, pass.projectId);
    return now;
  }
}

function refuseUnlessAllowed(pass: Pass, change: PassChange): void {
  const check = checkPassAction(pass.status, change);
  if (!check.allowed)
    throw new MigrationStateError(describePassRefusal(pass.status, check.to, check.refusal));
}
