import { Inject, Injectable } from '@nestjs/common';
import type { Pass, ProjectRepository, WorkQueue } from '../ports/project.ports';
import type { PassStatus } from '../ports/run.ports';
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

const TRANSITIONS: Record<
  PassChange,
  { from: readonly PassStatus[]; to: PassStatus; action: MigrationAuditAction }
> = {
  // A paused pass's queued items wait (workers leave them queued); resuming needs no re-planning.
  pause: { from: ['running'], to: 'paused', action: 'migration.pass.paused' },
  resume: { from: ['paused'], to: 'running', action: 'migration.pass.resumed' },
  cancel: { from: ['scheduled', 'running', 'paused'], to: 'cancelled', action: 'migration.pass.cancelled' },
};

/**
 * Pauses, resumes or cancels a pass (compare-and-set on its status, audited in the same transaction).
 * Cancelling drops the project's queued work after the change commits; cancelling a cancelled pass
 * drops it again, so a cancel whose purge failed can simply be repeated.
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
    const rule = TRANSITIONS[input.change];
    if (input.change === 'cancel' && pass.status === 'cancelled') {
      await this.queue.purge(pass.orgId, pass.projectId);
      return pass;
    }
    if (!rule.from.includes(pass.status))
      throw new MigrationStateError(
        `the pass is ${pass.status}; only a ${rule.from.join(' or ')} pass can ${input.change}`,
      );
    const entry = changeEntry(
      input.caller,
      pass.orgId,
      rule.action,
      { type: 'pass', id: pass.id },
      { projectId: pass.projectId, from: pass.status },
    );
    const changed = await this.projects.setPassStatus(
      pass.orgId,
      pass.id,
      rule.from,
      rule.to,
      auditBeforeCommit(this.audit, entry),
    );
    const now = await this.projects.pass(pass.orgId, pass.id);
    if (!now) throw new MigrationNotFoundError('pass');
    // Changed meanwhile (a worker completed it, another operator acted): say what it is now.
    if (!changed)
      throw new MigrationStateError(
        `the pass is ${now.status}; only a ${rule.from.join(' or ')} pass can ${input.change}`,
      );
    if (input.change === 'cancel') await this.queue.purge(pass.orgId, pass.projectId);
    return now;
  }
}
