import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The reference store's row for one migrated item: ids, a change stamp, a hash and a date. Nothing of
 * the content, no subject, no address. The primary key (project, mapping, source id) is also the
 * paging order.
 */
@Entity({ name: 'item_refs' })
export class ItemRefEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 36 })
  projectId!: string;

  @PrimaryColumn({ name: 'mapping_id', type: 'varchar', length: 36 })
  mappingId!: string;

  /** Binary collation (see the migration): provider ids are case-sensitive. */
  @PrimaryColumn({ name: 'source_id', type: 'varchar', length: 400 })
  sourceId!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 400 })
  targetId!: string;

  @Column({ name: 'folder_id', type: 'varchar', length: 400 })
  folderId!: string;

  @Column({ name: 'change_stamp', type: 'varchar', length: 200 })
  changeStamp!: string;

  /** Lower-case hex SHA-256 of the source MIME; null when the copy was found on the target unread. */
  @Column({ name: 'content_hash', type: 'char', length: 64, nullable: true })
  contentHash!: string | null;

  @Column({ name: 'received_at', type: Date })
  receivedAt!: Date;
}
