import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const INDEX = 'ix_item_failures_source';

/**
 * Indexes failed items by mapping and source id: planning asks, per page of a mailbox, which of its
 * items an earlier pass recorded failed (their batches verify the target before copying).
 */
export class IndexItemFailuresBySource1736100000001 implements MigrationInterface {
  name = 'IndexItemFailuresBySource1736100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(table(q), new TableIndex({ name: INDEX, columnNames: ['mapping_id', 'source_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex(table(q), INDEX);
  }
}

function table(q: QueryRunner): string {
  return `${(q.connection.options as { schema?: string }).schema ?? 'migration'}.item_failures`;
}
