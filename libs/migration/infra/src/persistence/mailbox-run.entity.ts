import type { ItemFailureReason, MappingProgress } from '@ferry/migration/application';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Run status of one mapping in one pass (the progress row). */
export type RunStatus = MappingProgress['status'];

/** One mapping's run in one pass: what planning found and how many of its batches are recorded. */
@Entity({ name: 'mailbox_runs' })
@Index('ix_mailbox_runs_mapping', ['mappingId'])
export class MailboxRunEntity {
  @PrimaryColumn({ name: 'pass_id', type: 'varchar', length: 36 })
  passId!: string;

  @PrimaryColumn({ name: 'mapping_id', type: 'varchar', length: 36 })
  mappingId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  /** Set once by the recorded plan; the run can finish only after it. */
  @Column({ type: Boolean })
  planned!: boolean;

  @Column({ name: 'batches_planned', type: 'int' })
  batchesPlanned!: number;

  /** Batches whose result is recorded; incremented under the run row's lock. */
  @Column({ name: 'batches_recorded', type: 'int' })
  batchesRecorded!: number;

  @Column({ type: 'bigint' })
  found!: string | number;

  @Column({ name: 'skipped_at_plan', type: 'bigint' })
  skippedAtPlan!: string | number;

  @Column({ name: 'bytes_found', type: 'bigint' })
  bytesFound!: string | number;

  /** The cursor the plan took; becomes the mapping's cursor when the run is done. */
  @Column({ name: 'pending_cursor', type: 'text', nullable: true })
  pendingCursor!: string | null;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 32, nullable: true })
  failureReason!: ItemFailureReason | null;

  /** Ferry-written (vendor codes at most), capped. */
  @Column({ name: 'failure_detail', type: String, length: 500, nullable: true })
  failureDetail!: string | null;
}
