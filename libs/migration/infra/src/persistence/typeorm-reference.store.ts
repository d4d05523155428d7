import type { ItemReference, ReferenceStore } from '@ferry/migration/application';
import { type DataSource, In, MoreThan } from 'typeorm';
import { chunks, IDS_PER_STATEMENT, rowsPerStatement } from './chunks';
import { ItemRefEntity } from './item-ref.entity';
import { toReference, toRefRow } from './reference.mapper';
import { isUniqueViolation } from './sql-errors';

/** Columns bound per row of item_refs. */
const REF_ROWS_PER_UPSERT = rowsPerStatement(8);

/**
 * The reference store over item_refs: per migrated item its ids, change stamp, content hash and
 * received time. Reads and writes go in chunks that keep each statement under SQL Server's parameter
 * limit; paging is keyset on the primary key, so a walk costs one indexed query per page.
 */
export class TypeormReferenceStore implements ReferenceStore {
  constructor(private readonly db: DataSource) {}

  async get(
    projectId: string,
    mappingId: string,
    sourceIds: readonly string[],
  ): Promise<Map<string, ItemReference>> {
    const found = new Map<string, ItemReference>();
    for (const ids of chunks([...new Set(sourceIds)], IDS_PER_STATEMENT)) {
      const rows = await this.db
        .getRepository(ItemRefEntity)
        .findBy({ projectId, mappingId, sourceId: In(ids) });
      for (const row of rows) found.set(row.sourceId, toReference(row));
    }
    return found;
  }

  async put(references: readonly ItemReference[]): Promise<void> {
    // One row per key, the last one given: an upsert cannot touch a row twice in one statement.
    const byKey = new Map(
      references.map((r) => [`${r.projectId}/${r.mappingId}/${r.sourceId}`, toRefRow(r)] as const),
    );
    for (const chunk of chunks([...byKey.values()], REF_ROWS_PER_UPSERT)) await this.upsert(chunk);
  }

  async remove(projectId: string, mappingId: string, sourceIds: readonly string[]): Promise<void> {
    for (const ids of chunks([...new Set(sourceIds)], IDS_PER_STATEMENT)) {
      await this.db.getRepository(ItemRefEntity).delete({ projectId, mappingId, sourceId: In(ids) });
    }
  }

  async page(
    projectId: string,
    mappingId: string,
    afterSourceId: string,
    limit: number,
  ): Promise<ItemReference[]> {
    const rows = await this.db.getRepository(ItemRefEntity).find({
      where: { projectId, mappingId, sourceId: MoreThan(afterSourceId) },
      order: { sourceId: 'ASC' },
      take: limit,
    });
    return rows.map(toReference);
  }

  /**
   * ON CONFLICT on PostgreSQL, MERGE on SQL Server. MERGE without HOLDLOCK can lose a race between two
   * first inserts of one key (a redelivered batch) with a key violation; the second try then updates.
   */
  private async upsert(rows: ItemRefEntity[]): Promise<void> {
    const repo = this.db.getRepository(ItemRefEntity);
    const write = () => repo.upsert(rows, { conflictPaths: ['projectId', 'mappingId', 'sourceId'] });
    try {
      await write();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await write();
    }
  }
}
