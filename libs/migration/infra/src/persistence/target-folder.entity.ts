import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which target folder a mapping's source folder path landed in: keyed by a hash of the path, never its name. */
@Entity({ name: 'target_folders' })
export class TargetFolderEntity {
  @PrimaryColumn({ name: 'mapping_id', type: 'varchar', length: 36 })
  mappingId!: string;

  /** Lower-case hex SHA-256 (64 characters) of the folder path, computed by the caller. */
  @PrimaryColumn({ name: 'path_key', type: 'char', length: 64 })
  pathKey!: string;

  @Column({ name: 'target_folder_id', type: 'varchar', length: 400 })
  targetFolderId!: string;
}
