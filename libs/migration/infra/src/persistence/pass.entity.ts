import type { PassKind, PassStatus } from '@ferry/migration/application';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A pass over a project's mappings. */
@Entity({ name: 'passes' })
@Index('ix_passes_project', ['projectId', 'createdAt'])
@Index('ix_passes_due', ['status', 'scheduledFor'])
export class PassEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36 })
  projectId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: PassKind;

  @Column({ type: 'varchar', length: 16 })
  status!: PassStatus;

  @Column({ type: Boolean })
  final!: boolean;

  @Column({ name: 'scheduled_for', type: Date, nullable: true })
  scheduledFor!: Date | null;

  /**
   * Runs of the pass not yet done or failed. Only the transaction that ends a run decrements it, under
   * the pass row's lock, so exactly one transaction sees it reach 0 and completes the pass.
   */
  @Column({ name: 'open_runs', type: 'int' })
  openRuns!: number;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;
}
