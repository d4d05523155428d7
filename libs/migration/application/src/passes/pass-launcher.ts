import { PASS_TRANSITIONS } from '@ferry/migration/domain';
import type { Pass, ProjectRepository, WorkQueue } from '../ports/project.ports';
import { auditBeforeCommit, changeEntry } from '../projects/caller';
import { WorkQueueUnavailableError } from '../projects/control-plane.errors';
import type { MigrationAuditTrail } from '../projects/control-plane.ports';

/** Plan items published at once: a project of 50,000 mailboxes is queued in seconds, not minutes. */
const PLAN_CONCURRENCY = 32;

/**
 * Queues a running pass's work once its row has committed: opens the project's share of the work
 * queue, then publishes one plan item per mailbox (the queue drops repeats, so a retry is safe). When
 * queueing fails the pass is marked failed (audited as the service's act) and what was queued is
 * dropped, so no pass is left running with mailboxes nobody will plan.
 * @throws WorkQueueUnavailableError after failing the pass.
 */
export async function launchPass(
  projects: ProjectRepository,
  queue: WorkQueue,
  audit: MigrationAuditTrail,
  pass: Pass,
  mappingIds: readonly string[],
): Promise<void> {
  try {
    await queue.open(pass.orgId, pass.projectId);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < mappingIds.length) {
        const mappingId = mappingIds[next++] as string;
        try {
          await queue.plan(pass.orgId, pass.projectId, pass.id, mappingId);
        } catch (err) {
          failed = true; // the other workers stop too, so nothing is published after the purge below
          throw err;
        }
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(PLAN_CONCURRENCY, mappingIds.length) }, worker),
    );
    if (failed || results.some((r) => r.status === 'rejected')) throw new WorkQueueUnavailableError();
  } catch {
    const entry = changeEntry(
      null,
      pass.orgId,
      'migration.pass.failed',
      { type: 'pass', id: pass.id },
      { projectId: pass.projectId, reason: 'work-queue-unavailable' },
    );
    // Best effort: the pass is failed if the database still answers; a worker ignores a failed pass's items.
    await projects
      .setPassStatus(
        pass.orgId,
        pass.id,
        PASS_TRANSITIONS.fail.from,
        PASS_TRANSITIONS.fail.to,
        auditBeforeCommit(audit, entry),
      )
      .catch(() => false);
    await queue.purge(pass.orgId, pass.projectId).catch(() => undefined);
    throw new WorkQueueUnavailableError();
  }
}
