import { Inject, Injectable } from '@nestjs/common';
import { PASS_TRANSITIONS } from '@ferry/migration/domain';
import type { Pass, ProjectRepository, WorkQueue } from '../ports/project.ports';
import { auditBeforeCommit, changeEntry } from '../projects/caller';
import { WorkQueueUnavailableError } from '../projects/control-plane.errors';
import {
  MIGRATION_AUDIT_TRAIL,
  type MigrationAuditTrail,
  PROJECT_REPOSITORY,
  WORK_QUEUE,
} from '../projects/control-plane.ports';
import { launchPass } from './pass-launcher';

/** Scheduled passes started per tick; the rest wait for the next tick (seconds later). */
const DUE_PER_TICK = 20;

/** What one scheduler tick did. */
export interface DuePassesResult {
  readonly started: number;
  /** Passes whose work could not be queued (marked failed). */
  readonly failed: number;
}

/**
 * The scheduler's tick (the migration service calls it every few seconds): moves each scheduled pass
 * whose time has come to running (compare-and-set, audited as the service's act; a replica that lost
 * the race skips it) and queues its mailboxes, those the pass was created with.
 */
@Injectable()
export class StartDuePassesUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(MIGRATION_AUDIT_TRAIL) private readonly audit: MigrationAuditTrail,
  ) {}

  async execute(now: Date): Promise<DuePassesResult> {
    let started = 0;
    let failed = 0;
    for (const pass of await this.projects.duePasses(now, DUE_PER_TICK)) {
      try {
        if (await this.start(pass)) started++;
      } catch (err) {
        // A failed launch failed the pass; anything else (audit or database down) leaves it scheduled for the next tick.
        if (err instanceof WorkQueueUnavailableError) failed++;
      }
    }
    return { started, failed };
  }

  /** False when another replica started it first. */
  private async start(pass: Pass): Promise<boolean> {
    const mailboxes = (await this.projects.progress(pass.orgId, pass.id)).map((p) => p.mappingId);
    const detail = {
      projectId: pass.projectId,
      kind: pass.kind,
      final: String(pass.final),
      mailboxes: String(mailboxes.length),
      scheduled: 'true',
    };
    const entry = changeEntry(
      null,
      pass.orgId,
      'migration.pass.started',
      { type: 'pass', id: pass.id },
      detail,
    );
    if (
      !(await this.projects.setPassStatus(
        pass.orgId,
        pass.id,
        PASS_TRANSITIONS.start.from,
        PASS_TRANSITIONS.start.to,
        auditBeforeCommit(this.audit, entry),
      ))
    )
      return false;
    await launchPass(this.projects, this.queue, this.audit, { ...pass, status: 'running' }, mailboxes);
    return true;
  }
}
