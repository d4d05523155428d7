import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { type RunStatus, MailboxRunEntity } from './mailbox-run.entity';
import { MappingEntity } from './mapping.entity';
import { PassEntity } from './pass.entity';

/** Statuses of a run still under way. */
export const OPEN_RUN_STATUSES: readonly RunStatus[] = ['pending', 'planning', 'running'];
/** A pass completes from these when its last run ends; a cancelled or failed pass stays as it is. */
const COMPLETABLE_PASS_STATUSES = ['running', 'paused'] as const;

/**
 * Inside a transaction: marks the run done if its plan is recorded and every planned batch too. The
 * conditional UPDATE takes the run row's lock and re-checks the row as committed, so of two
 * transactions recording a mapping's last batches exactly one finishes it. That one promotes the
 * run's cursor to the mapping, stamps the mapping's last pass, and closes the run on its pass.
 * @returns whether this call finished the run.
 */
export async function finishRunIfComplete(
  m: EntityManager,
  passId: string,
  mappingId: string,
  now: Date,
  onPassEnded?: PassEnded,
): Promise<boolean> {
  const finished = await m
    .createQueryBuilder()
    .update(MailboxRunEntity)
    .set({ status: 'done', finishedAt: now })
    .where({ passId, mappingId, planned: true, status: In(OPEN_RUN_STATUSES) })
    .andWhere('batches_recorded >= batches_planned')
    .execute();
  if (finished.affected !== 1) return false;
  await promoteCursor(m, passId, mappingId, now);
  await closeRun(m, passId, now, onPassEnded);
  return true;
}

/**
 * Moves the run's pending cursor to the mapping and stamps its last pass, unless the mapping already
 * records a later pass as its last (a cancelled pass's in-flight batch finishing after a newer pass).
 */
async function promoteCursor(m: EntityManager, passId: string, mappingId: string, now: Date): Promise<void> {
  const run = await m.getRepository(MailboxRunEntity).findOneOrFail({
    where: { passId, mappingId },
    select: { passId: true, mappingId: true, pendingCursor: true },
  });
  const pass = await m
    .getRepository(PassEntity)
    .findOneOrFail({ where: { id: passId }, select: { id: true, createdAt: true } });
  // `last_pass_id` is the updated mapping's column (passes has none): the subquery reads its current last pass.
  const later = m
    .createQueryBuilder()
    .subQuery()
    .select('1')
    .from(PassEntity, 'later')
    .where('later.id = last_pass_id AND later.created_at > :passCreatedAt')
    .getQuery();
  await m
    .createQueryBuilder()
    .update(MappingEntity)
    .set({ feedCursor: run.pendingCursor, lastPassId: passId, lastPassFinishedAt: now })
    .where({ id: mappingId })
    .andWhere(`NOT EXISTS ${later}`, { passCreatedAt: pass.createdAt })
    .execute();
}

/**
 * Counts one more run of the pass as ended and completes the pass when it was the last. The first
 * UPDATE locks the pass row, so concurrent last runs of a pass take turns and exactly one sees 0.
 */
export async function closeRun(m: EntityManager, passId: string, now: Date, onPassEnded?: PassEnded): Promise<void> {
  await m.getRepository(PassEntity).update({ id: passId }, { openRuns: () => 'open_runs - 1' });
  const completed = await m
    .createQueryBuilder()
    .update(PassEntity)
    .set({ status: 'completed', finishedAt: now })
    .where({ id: passId, status: In(COMPLETABLE_PASS_STATUSES) })
    .andWhere('open_runs <= 0')
    .execute();
  if (completed.affected === 1 && onPassEnded) {
    const pass = await m.getRepository(PassEntity).findOne({ where: { id: passId }, select: { id: true, orgId: true, projectId: true } });
    if (pass) await onPassEnded({ orgId: pass.orgId, projectId: pass.projectId, passId, status: 'completed' });
  }
}

/**
 * Told, inside the transaction that ended a pass, that it ended (its audit record): if it throws,
 * the transaction rolls back and the last batch is recorded again on its redelivery.
 */
export type PassEnded = (pass: { orgId: string; projectId: string; passId: string; status: 'completed' }) => Promise<void>;
