import { randomUUID } from 'node:crypto';
import type {
  BeforeCommit,
  FailureRow,
  Mapping,
  MappingProgress,
  Pass,
  PassStatus,
  Project,
  ProjectRepository,
} from '@ferry/migration/application';
import { type DataSource, type EntityManager, In, LessThanOrEqual } from 'typeorm';
import { BatchResultEntity } from './batch-result.entity';
import { chunks, IDS_PER_STATEMENT, rowsPerStatement } from './chunks';
import { ItemFailureEntity } from './item-failure.entity';
import { MailboxRunEntity } from './mailbox-run.entity';
import { MappingEntity } from './mapping.entity';
import { planMappingReplacement } from './mapping-replacement';
import { PassEntity } from './pass.entity';
import { type BatchSums, toProgress } from './progress.mapper';
import { deleteMappings, deleteProjectChildren, forgetTarget, lockProject } from './project-cleanup';
import { toMapping, toPass, toPassRow, toProject, toProjectRow } from './project.mapper';
import { ProjectEntity } from './project.entity';

/** A project's mapping cannot change while one of its passes is in one of these (its mailboxes are fixed). */
const PASS_HOLDS_MAPPING: readonly PassStatus[] = ['scheduled', 'running', 'paused'];
const ENDED: readonly PassStatus[] = ['cancelled', 'completed', 'failed'];
/** Columns bound per row: mappings 8, mailbox_runs 15. */
const MAPPING_ROWS_PER_INSERT = rowsPerStatement(8);
const RUN_ROWS_PER_INSERT = rowsPerStatement(15);

/**
 * Projects, mappings and passes in the migration schema. Every read and write is scoped by
 * organisation; each change is one transaction whose `beforeCommit` (the audit record) runs last and
 * rolls the change back when it throws.
 */
export class TypeormProjectRepository implements ProjectRepository {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async insert(project: Project, beforeCommit: BeforeCommit): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.getRepository(ProjectEntity).insert(toProjectRow(project));
      await beforeCommit();
    });
  }

  async get(orgId: string, id: string): Promise<Project | null> {
    const row = await this.db.getRepository(ProjectEntity).findOneBy({ orgId, id });
    return row ? toProject(row) : null;
  }

  async list(orgId: string): Promise<Project[]> {
    const rows = await this.db
      .getRepository(ProjectEntity)
      .find({ where: { orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toProject);
  }

  async delete(orgId: string, id: string, beforeCommit: BeforeCommit): Promise<boolean> {
    return this.db.transaction(async (m) => {
      if (!(await lockProject(m, orgId, id))) return false;
      await deleteProjectChildren(m, orgId, id);
      await m.getRepository(ProjectEntity).delete({ orgId, id });
      await beforeCommit();
      return true;
    });
  }

  /**
   * Rows keep their id while their source address stays (compared without case); a row whose target
   * mailbox changes loses its references, target folders and cursor. Removed rows go with their runs,
   * batches and failures. Refused while a pass of the project is scheduled, running or paused.
   * @throws DuplicateSourceAddressError when two rows name the same source mailbox.
   */
  async replaceMappings(
    orgId: string,
    projectId: string,
    rows: readonly { sourceAddress: string; targetAddress: string }[],
    beforeCommit: BeforeCommit,
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      // The lock orders this after (or before) a pass being inserted or started for the project.
      if (!(await lockProject(m, orgId, projectId))) return false;
      if (await m.getRepository(PassEntity).existsBy({ orgId, projectId, status: In(PASS_HOLDS_MAPPING) }))
        return false;
      const stored = await m.getRepository(MappingEntity).find({
        where: { orgId, projectId },
        select: { id: true, sourceAddress: true, targetAddress: true },
      });
      const plan = planMappingReplacement(stored, rows);
      await deleteMappings(m, orgId, projectId, plan.removals);
      const repo = m.getRepository(MappingEntity);
      for (const u of plan.updates) {
        const reset = u.retargeted ? { feedCursor: null, lastPassId: null, lastPassFinishedAt: null } : {};
        await repo.update(
          { orgId, projectId, id: u.id },
          { sourceAddress: u.sourceAddress, targetAddress: u.targetAddress, ...reset },
        );
      }
      await forgetTarget(
        m,
        projectId,
        plan.updates.filter((u) => u.retargeted).map((u) => u.id),
      );
      const inserts = plan.inserts.map((r): MappingEntity => ({
        id: randomUUID(),
        orgId,
        projectId,
        sourceAddress: r.sourceAddress,
        targetAddress: r.targetAddress,
        feedCursor: null,
        lastPassId: null,
        lastPassFinishedAt: null,
      }));
      for (const chunk of chunks(inserts, MAPPING_ROWS_PER_INSERT)) await repo.insert(chunk);
      await beforeCommit();
      return true;
    });
  }

  async mappings(orgId: string, projectId: string): Promise<Mapping[]> {
    const rows = await this.db
      .getRepository(MappingEntity)
      .find({ where: { orgId, projectId }, order: { sourceAddress: 'ASC', id: 'ASC' } });
    return rows.map(toMapping);
  }

  /** @throws Error when the project is not the organisation's or a mapping id is not the project's. */
  async insertPass(pass: Pass, mappingIds: readonly string[], beforeCommit: BeforeCommit): Promise<boolean> {
    const ids = [...new Set(mappingIds)];
    return this.db.transaction(async (m) => {
      if (!(await lockProject(m, pass.orgId, pass.projectId)))
        throw new Error('the pass names a project its organisation does not have');
      // One unfinished pass per project, checked under the project's lock: two starts at once
      // (a double click) cannot both win.
      if (await m.getRepository(PassEntity).existsBy({ orgId: pass.orgId, projectId: pass.projectId, status: In(PASS_HOLDS_MAPPING) })) return false;
      await assertProjectMappings(m, pass, ids);
      await m.getRepository(PassEntity).insert(toPassRow(pass, ids.length));
      const runs = ids.map((mappingId) => pendingRun(pass, mappingId));
      for (const chunk of chunks(runs, RUN_ROWS_PER_INSERT))
        await m.getRepository(MailboxRunEntity).insert(chunk);
      await beforeCommit();
      return true;
    });
  }

  async passes(orgId: string, projectId: string): Promise<Pass[]> {
    const rows = await this.db
      .getRepository(PassEntity)
      .find({ where: { orgId, projectId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toPass);
  }

  async pass(orgId: string, passId: string): Promise<Pass | null> {
    const row = await this.db.getRepository(PassEntity).findOneBy({ orgId, id: passId });
    return row ? toPass(row) : null;
  }

  /** Compare-and-set on the status; stamps the start (first time running) and the end (an ended status). */
  async setPassStatus(
    orgId: string,
    passId: string,
    from: readonly PassStatus[],
    to: PassStatus,
    beforeCommit: BeforeCommit,
  ): Promise<boolean> {
    if (from.length === 0) return false;
    return this.db.transaction(async (m) => {
      const row = await m
        .getRepository(PassEntity)
        .findOne({ where: { orgId, id: passId }, select: { id: true, projectId: true } });
      if (!row) return false;
      // Serialises with replaceMappings, which must not see a pass start between its check and its change.
      await lockProject(m, orgId, row.projectId);
      const now = this.now();
      const result = await m
        .createQueryBuilder()
        .update(PassEntity)
        .set({
          status: to,
          ...(to === 'running' && { startedAt: () => 'COALESCE(started_at, :startedAt)' }),
          ...(ENDED.includes(to) && { finishedAt: now }),
        })
        .where({ orgId, id: passId, status: In(from) })
        .setParameter('startedAt', now)
        .execute();
      if (result.affected !== 1) return false;
      await beforeCommit();
      return true;
    });
  }

  async duePasses(now: Date, limit: number): Promise<Pass[]> {
    const rows = await this.db.getRepository(PassEntity).find({
      where: { status: 'scheduled', scheduledFor: LessThanOrEqual(now) },
      order: { scheduledFor: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.map(toPass);
  }

  /** One row per mapping of the pass: the plan's counts from its run, the batches' counts summed in one GROUP BY. */
  async progress(orgId: string, passId: string): Promise<MappingProgress[]> {
    const runs = await this.db
      .getRepository(MailboxRunEntity)
      .find({ where: { orgId, passId }, order: { mappingId: 'ASC' } });
    if (runs.length === 0) return [];
    const sums = await this.db
      .getRepository(BatchResultEntity)
      .createQueryBuilder('b')
      .select('b.mappingId', 'mappingId')
      .addSelect('SUM(b.migrated)', 'migrated')
      .addSelect('SUM(b.skipped)', 'skipped')
      .addSelect('SUM(b.failed)', 'failed')
      .addSelect('SUM(b.bytes)', 'bytes')
      .where('b.orgId = :orgId AND b.passId = :passId', { orgId, passId })
      .groupBy('b.mappingId')
      .getRawMany<BatchSums & { mappingId: string }>();
    const byMapping = new Map(sums.map((s) => [s.mappingId, s] as const));
    return runs.map((run) => toProgress(run, byMapping.get(run.mappingId)));
  }

  async failures(orgId: string, passId: string, limit: number, offset: number): Promise<FailureRow[]> {
    const rows = await this.db.getRepository(ItemFailureEntity).find({
      where: { orgId, passId },
      order: { at: 'ASC', mappingId: 'ASC', batchId: 'ASC', sourceId: 'ASC' },
      skip: offset,
      take: limit,
    });
    return rows.map((r) => ({
      mappingId: r.mappingId,
      sourceId: r.sourceId,
      reason: r.reason,
      detail: r.detail,
      at: new Date(r.at),
    }));
  }
}

/** Refuses mapping ids of another project (or organisation): a pass covers its own project's mailboxes only. */
async function assertProjectMappings(m: EntityManager, pass: Pass, ids: readonly string[]): Promise<void> {
  let known = 0;
  for (const chunk of chunks(ids, IDS_PER_STATEMENT)) {
    known += await m
      .getRepository(MappingEntity)
      .countBy({ orgId: pass.orgId, projectId: pass.projectId, id: In(chunk) });
  }
  if (known !== ids.length) throw new Error('the pass names mappings its project does not have');
}

function pendingRun(pass: Pass, mappingId: string): MailboxRunEntity {
  return {
    passId: pass.id,
    mappingId,
    orgId: pass.orgId,
    status: 'pending',
    planned: false,
    batchesPlanned: 0,
    batchesRecorded: 0,
    found: 0,
    skippedAtPlan: 0,
    bytesFound: 0,
    pendingCursor: null,
    startedAt: null,
    finishedAt: null,
    failureReason: null,
    failureDetail: null,
  };
}
