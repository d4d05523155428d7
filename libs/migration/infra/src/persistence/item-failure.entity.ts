import type { ItemFailureReason } from '@ferry/migration/application';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One failed item of a recorded batch: ids, a reason class and Ferry's capped detail. */
@Entity({ name: 'item_failures' })
@Index('ix_item_failures_report', ['passId', 'at'])
@Index('ix_item_failures_source', ['mappingId', 'sourceId'])
export class ItemFailureEntity {
  @PrimaryColumn({ name: 'pass_id', type: 'varchar', length: 36 })
  passId!: string;

  @PrimaryColumn({ name: 'mapping_id', type: 'varchar', length: 36 })
  mappingId!: string;

  @PrimaryColumn({ name: 'batch_id', type: 'varchar', length: 200 })
  batchId!: string;

  @PrimaryColumn({ name: 'source_id', type: 'varchar', length: 400 })
  sourceId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 32 })
  reason!: ItemFailureReason;

  @Column({ type: String, length: 500 })
  detail!: string;

  @Column({ type: Date })
  at!: Date;
}
