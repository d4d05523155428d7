import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row of a project's user mapping. The two addresses are what Ferry needs to reach the mailboxes
 * and the only personal data of the migration schema.
 */
@Entity({ name: 'mappings' })
@Index('uq_mappings_source', ['projectId', 'sourceAddress'], { unique: true })
@Index('uq_mappings_project', ['projectId', 'id'], { unique: true })
export class MappingEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'project_id', type: 'varchar', length: 36 })
  projectId!: string;

  // String: Unicode on SQL Server (nvarchar), as the migration declares it.
  @Column({ name: 'source_address', type: String, length: 320 })
  sourceAddress!: string;

  @Column({ name: 'target_address', type: String, length: 320 })
  targetAddress!: string;

  /** The change-feed cursor of the mapping's last finished pass (null: none finished yet). */
  @Column({ name: 'feed_cursor', type: 'text', nullable: true })
  feedCursor!: string | null;

  @Column({ name: 'last_pass_id', type: 'varchar', length: 36, nullable: true })
  lastPassId!: string | null;

  @Column({ name: 'last_pass_finished_at', type: Date, nullable: true })
  lastPassFinishedAt!: Date | null;
}
