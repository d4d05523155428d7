import type { DeletionPolicy, ExtraLabelPolicy } from '@ferry/migration/application';
import type { MailSystem } from '@ferry/migration/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A migration project: its connectors, systems, workloads and policies. */
@Entity({ name: 'projects' })
@Index('ix_projects_org', ['orgId', 'createdAt'])
export class ProjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  // String: the driver picks a Unicode type on SQL Server (nvarchar), as the migration does.
  @Column({ type: String, length: 400 })
  name!: string;

  @Column({ name: 'source_connector_id', type: 'varchar', length: 36 })
  sourceConnectorId!: string;

  @Column({ name: 'target_connector_id', type: 'varchar', length: 36 })
  targetConnectorId!: string;

  @Column({ name: 'source_system', type: 'varchar', length: 16 })
  sourceSystem!: MailSystem;

  @Column({ name: 'target_system', type: 'varchar', length: 16 })
  targetSystem!: MailSystem;

  /** Comma-separated workloads. */
  @Column({ type: 'varchar', length: 200 })
  workloads!: string;

  @Column({ name: 'deletion_policy', type: 'varchar', length: 16 })
  deletionPolicy!: DeletionPolicy;

  @Column({ name: 'extra_labels', type: 'varchar', length: 16 })
  extraLabels!: ExtraLabelPolicy;

  @Column({ type: 'int' })
  version!: number;

  // The driver picks the dialect's type; the migration states the exact one.
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
