import { type EntityManager, type EntityTarget, In, type ObjectLiteral } from 'typeorm';
import { BatchResultEntity } from './batch-result.entity';
import { chunks, IDS_PER_STATEMENT } from './chunks';
import { ItemFailureEntity } from './item-failure.entity';
import { ItemRefEntity } from './item-ref.entity';
import { MailboxRunEntity } from './mailbox-run.entity';
import { MappingEntity } from './mapping.entity';
import { PassEntity } from './pass.entity';
import { ProjectEntity } from './project.entity';
import { TargetFolderEntity } from './target-folder.entity';

/** Tables keyed by pass and mapping, children first (no cascades: see the migration). */
const RUN_TABLES: readonly EntityTarget<ObjectLiteral>[] = [
  ItemFailureEntity,
  BatchResultEntity,
  MailboxRunEntity,
];

/**
 * Locks the project row for the transaction (a no-op UPDATE), so changes to its mapping and passes
 * take turns. False when the organisation has no such project.
 */
export async function lockProject(m: EntityManager, orgId: string, projectId: string): Promise<boolean> {
  const result = await m
    .getRepository(ProjectEntity)
    .update({ orgId, id: projectId }, { version: () => 'version' });
  return result.affected === 1;
}

/**
 * Deletes everything of a locked project below the project row, children first: runs, batches and
 * failures of its passes, its references and target folders, its mappings and passes. Statements
 * select by subquery, so a project of any size costs a fixed number of them.
 */
export async function deleteProjectChildren(
  m: EntityManager,
  orgId: string,
  projectId: string,
): Promise<void> {
  const params = { orgId, projectId };
  const passIds = m
    .createQueryBuilder()
    .subQuery()
    .select('p.id')
    .from(PassEntity, 'p')
    .where('p.project_id = :projectId AND p.org_id = :orgId')
    .getQuery();
  for (const table of RUN_TABLES) {
    await m
      .createQueryBuilder()
      .delete()
      .from(table)
      .where(`org_id = :orgId AND pass_id IN ${passIds}`, params)
      .execute();
  }
  await m.getRepository(ItemRefEntity).delete({ projectId });
  const mappingIds = m
    .createQueryBuilder()
    .subQuery()
    .select('mp.id')
    .from(MappingEntity, 'mp')
    .where('mp.project_id = :projectId AND mp.org_id = :orgId')
    .getQuery();
  await m
    .createQueryBuilder()
    .delete()
    .from(TargetFolderEntity)
    .where(`mapping_id IN ${mappingIds}`, params)
    .execute();
  await m.getRepository(MappingEntity).delete({ orgId, projectId });
  await m.getRepository(PassEntity).delete({ orgId, projectId });
}

/** Deletes mappings of a locked project with their runs (of ended passes), references and target folders. */
export async function deleteMappings(
  m: EntityManager,
  orgId: string,
  projectId: string,
  mappingIds: readonly string[],
): Promise<void> {
  for (const ids of chunks(mappingIds, IDS_PER_STATEMENT)) {
    for (const table of RUN_TABLES) await m.getRepository(table).delete({ orgId, mappingId: In(ids) });
    await forgetTarget(m, projectId, ids);
    await m.getRepository(MappingEntity).delete({ orgId, projectId, id: In(ids) });
  }
}

/**
 * Drops what a mapping knows of its target mailbox (references, target folders): after a retarget they
 * describe copies in a mailbox the mapping no longer writes to.
 */
export async function forgetTarget(
  m: EntityManager,
  projectId: string,
  mappingIds: readonly string[],
): Promise<void> {
  for (const ids of chunks(mappingIds, IDS_PER_STATEMENT)) {
    await m.getRepository(ItemRefEntity).delete({ projectId, mappingId: In(ids) });
    await m.getRepository(TargetFolderEntity).delete({ mappingId: In(ids) });
  }
}
