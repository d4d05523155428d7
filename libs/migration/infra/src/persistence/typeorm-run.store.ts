import type {
  BatchResult,
  ItemFailure,
  ItemFailureReason,
  MailboxRef,
  MappingWork,
  PlanResult,
  RunStore,
} from '@ferry/migration/application';
import type { MailSystem } from '@ferry/migration/domain';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { BatchResultEntity } from './batch-result.entity';
import { chunks, IDS_PER_STATEMENT, rowsPerStatement } from './chunks';
import { ItemFailureEntity } from './item-failure.entity';
import { MailboxRunEntity } from './mailbox-run.entity';
import { MappingEntity } from './mapping.entity';
import { PassEntity } from './pass.entity';
import { ProjectEntity } from './project.entity';
import { closeRun, finishRunIfComplete, OPEN_RUN_STATUSES, type PassEnded } from './run-completion';
import { isForeignKeyViolation, isUniqueViolation } from './sql-errors';
import { TargetFolderEntity } from './target-folder.entity';

/** Failure details and run failure details are capped at this many characters. */
export const FAILURE_DETAIL_MAX = 500;
/** Columns bound per row: item_failures 8, target_folders 3. */
const FAILURE_ROWS_PER_INSERT = rowsPerStatement(8);
const FOLDER_ROWS_PER_UPSERT = rowsPerStatement(3);
const PATH_KEY = /^[0-9a-f]{64}$/;

/** Turns an address into its pseudonym (keyed HMAC, provided by the service) for logs and spans. */
export type Pseudonymise = (address: string) => string;

/** The join mappingWork reads: one row or none. */
interface WorkRow {
  passKind: MappingWork['passKind'];
  passStatus: MappingWork['passStatus'];
  projectId: string;
  sourceConnectorId: string;
  targetConnectorId: string;
  sourceSystem: MailSystem;
  targetSystem: MailSystem;
  deletionPolicy: MappingWork['deletionPolicy'];
  extraLabels: MappingWork['extraLabels'];
  sourceAddress: string;
  targetAddress: string;
  feedCursor: string | null;
}

/** Thrown inside recordBatch's transaction to roll it back: the batch was recorded before, or its run is gone. */
class NothingToRecord extends Error {}

/**
 * The workers' view of runs in SQL. Recording a batch, a plan or a failed mailbox is one transaction
 * that also finishes the run and the pass when it was the last (see run-completion).
 */
export class TypeormRunStore implements RunStore {
  constructor(
    private readonly db: DataSource,
    private readonly pseudonymise: Pseudonymise,
    private readonly now: () => Date = () => new Date(),
    /** Records (audits) a pass the workers finished, before that change commits. */
    private readonly onPassEnded?: PassEnded,
  ) {}

  async mappingWork(orgId: string, passId: string, mappingId: string): Promise<MappingWork | null> {
    const row = await this.db
      .createQueryBuilder(PassEntity, 'p')
      .innerJoin(ProjectEntity, 'pr', 'pr.id = p.projectId AND pr.orgId = p.orgId')
      .innerJoin(MappingEntity, 'm', 'm.projectId = p.projectId AND m.orgId = p.orgId')
      .select('p.kind', 'passKind')
      .addSelect('p.status', 'passStatus')
      .addSelect('p.projectId', 'projectId')
      .addSelect('pr.sourceConnectorId', 'sourceConnectorId')
      .addSelect('pr.targetConnectorId', 'targetConnectorId')
      .addSelect('pr.sourceSystem', 'sourceSystem')
      .addSelect('pr.targetSystem', 'targetSystem')
      .addSelect('pr.deletionPolicy', 'deletionPolicy')
      .addSelect('pr.extraLabels', 'extraLabels')
      .addSelect('m.sourceAddress', 'sourceAddress')
      .addSelect('m.targetAddress', 'targetAddress')
      .addSelect('m.feedCursor', 'feedCursor')
      .where('p.id = :passId AND p.orgId = :orgId AND m.id = :mappingId', { passId, orgId, mappingId })
      .getRawOne<WorkRow>();
    if (!row) return null;
    const mailbox = (connectorId: string, system: MailSystem, address: string): MailboxRef => ({
      orgId,
      connectorId,
      system,
      address,
      pseudonym: this.pseudonymise(address),
      tenantKey: connectorId,
    });
    return {
      orgId,
      projectId: row.projectId,
      passId,
      mappingId,
      passKind: row.passKind,
      passStatus: row.passStatus,
      source: mailbox(row.sourceConnectorId, row.sourceSystem, row.sourceAddress),
      target: mailbox(row.targetConnectorId, row.targetSystem, row.targetAddress),
      deletionPolicy: row.deletionPolicy,
      extraLabels: row.extraLabels,
      cursor: row.feedCursor,
    };
  }

  /** Stores the plan once (a failed or already planned run keeps its record) and finishes a run with nothing left to copy. */
  async recordPlan(plan: PlanResult): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const now = this.now();
      const result = await m.getRepository(MailboxRunEntity).update(
        { passId: plan.passId, mappingId: plan.mappingId, planned: false, status: In(OPEN_RUN_STATUSES) },
        {
          planned: true,
          batchesPlanned: plan.batches,
          found: plan.found,
          skippedAtPlan: plan.skipped,
          bytesFound: plan.bytesFound,
          pendingCursor: plan.nextCursor,
          status: 'running',
          startedAt: now,
        },
      );
      if (result.affected !== 1) return false;
      // No batches, or every batch recorded before the plan was: the run is done now.
      await finishRunIfComplete(m, plan.passId, plan.mappingId, now, this.onPassEnded);
      return true;
    });
  }

  async recordBatch(result: BatchResult): Promise<boolean> {
    try {
      await this.db.transaction(async (m) => {
        const now = this.now();
        const orgId = await insertBatchOnce(m, result, now);
        await insertFailures(m, result, orgId, now);
        await m
          .getRepository(MailboxRunEntity)
          .update(
            { passId: result.passId, mappingId: result.mappingId },
            { batchesRecorded: () => 'batches_recorded + 1' },
          );
        await finishRunIfComplete(m, result.passId, result.mappingId, now, this.onPassEnded);
      });
      return true;
    } catch (err) {
      if (err instanceof NothingToRecord) return false;
      throw err;
    }
  }

  async failedBefore(passId: string, mappingId: string, sourceIds: readonly string[]): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const ids of chunks([...new Set(sourceIds)], IDS_PER_STATEMENT)) {
      const rows = await this.db
        .getRepository(ItemFailureEntity)
        .createQueryBuilder('f')
        .select('DISTINCT f.sourceId', 'sourceId')
        .where('f.mappingId = :mappingId AND f.passId <> :passId AND f.sourceId IN (:...ids)', { mappingId, passId, ids })
        .getRawMany<{ sourceId: string }>();
      for (const row of rows) failed.add(row.sourceId);
    }
    return failed;
  }

  async failMapping(
    passId: string,
    mappingId: string,
    reason: ItemFailureReason,
    detail: string,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const now = this.now();
      const result = await m
        .getRepository(MailboxRunEntity)
        .update(
          { passId, mappingId, status: In(OPEN_RUN_STATUSES) },
          { status: 'failed', finishedAt: now, failureReason: reason, failureDetail: capDetail(detail) },
        );
      if (result.affected === 1) await closeRun(m, passId, now, this.onPassEnded);
    });
  }

  async targetFolders(mappingId: string): Promise<Map<string, string>> {
    const rows = await this.db.getRepository(TargetFolderEntity).find({ where: { mappingId } });
    return new Map(rows.map((r) => [r.pathKey, r.targetFolderId] as const));
  }

  /**
   * Upserts path key -> target folder id. Keys must be path keys (lower-case hex SHA-256 of the folder
   * path), never the path: folder names are personal and stay with the mailboxes.
   */
  async saveTargetFolders(mappingId: string, folders: ReadonlyMap<string, string>): Promise<void> {
    const rows = [...folders].map(([pathKey, targetFolderId]): TargetFolderEntity => {
      if (!PATH_KEY.test(pathKey))
        throw new Error('target folders are keyed by a folder path key (SHA-256 hex), never the path');
      return { mappingId, pathKey, targetFolderId };
    });
    for (const chunk of chunks(rows, FOLDER_ROWS_PER_UPSERT)) {
      await this.db
        .getRepository(TargetFolderEntity)
        .upsert(chunk, { conflictPaths: ['mappingId', 'pathKey'] });
    }
  }
}

/**
 * Inserts the batch's row; the primary key refuses a second record of the batch (a concurrent one
 * waits for the first to commit, then is refused). A run that is gone (its project deleted) has
 * nothing to record either.
 * @returns the run's organisation.
 */
async function insertBatchOnce(m: EntityManager, result: BatchResult, now: Date): Promise<string> {
  const run = await m.getRepository(MailboxRunEntity).findOne({
    where: { passId: result.passId, mappingId: result.mappingId },
    select: { passId: true, orgId: true },
  });
  if (!run) throw new NothingToRecord();
  try {
    await m.getRepository(BatchResultEntity).insert({
      passId: result.passId,
      mappingId: result.mappingId,
      batchId: result.batchId,
      orgId: run.orgId,
      migrated: result.migrated,
      skipped: result.skipped,
      failed: result.failed,
      bytes: result.bytes,
      recordedAt: now,
    });
  } catch (err) {
    if (isUniqueViolation(err) || isForeignKeyViolation(err)) throw new NothingToRecord();
    throw err;
  }
  return run.orgId;
}

/** The batch's failed items (one per source id), details capped. */
async function insertFailures(
  m: EntityManager,
  result: BatchResult,
  orgId: string,
  now: Date,
): Promise<void> {
  const bySource = new Map<string, ItemFailure>();
  for (const f of result.failures) if (!bySource.has(f.sourceId)) bySource.set(f.sourceId, f);
  const rows = [...bySource.values()].map((f): ItemFailureEntity => ({
    passId: result.passId,
    mappingId: result.mappingId,
    batchId: result.batchId,
    sourceId: f.sourceId,
    orgId,
    reason: f.reason,
    detail: capDetail(f.detail),
    at: now,
  }));
  for (const chunk of chunks(rows, FAILURE_ROWS_PER_INSERT))
    await m.getRepository(ItemFailureEntity).insert(chunk);
}

function capDetail(detail: string): string {
  return detail.length <= FAILURE_DETAIL_MAX ? detail : detail.slice(0, FAILURE_DETAIL_MAX);
}
