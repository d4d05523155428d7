import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A copy batch's outcome, recorded once: the primary key refuses the second record of a batch. */
@Entity({ name: 'batch_results' })
export class BatchResultEntity {
  @PrimaryColumn({ name: 'pass_id', type: 'varchar', length: 36 })
  passId!: string;

  @PrimaryColumn({ name: 'mapping_id', type: 'varchar', length: 36 })
  mappingId!: string;

  @PrimaryColumn({ name: 'batch_id', type: 'varchar', length: 200 })
  batchId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'int' })
  migrated!: number;

  @Column({ type: 'int' })
  skipped!: number;

  @Column({ type: 'int' })
  failed!: number;

  @Column({ type: 'bigint' })
  bytes!: string | number;

  @Column({ name: 'recorded_at', type: Date })
  recordedAt!: Date;
}
