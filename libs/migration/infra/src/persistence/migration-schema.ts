import { CreateMigrationTables1734400000001 } from './1734400000001-create-migration-tables.migration';
import { IndexItemFailuresBySource1736100000001 } from './1736100000001-index-item-failures-by-source.migration';
import { BatchResultEntity } from './batch-result.entity';
import { ItemFailureEntity } from './item-failure.entity';
import { ItemRefEntity } from './item-ref.entity';
import { MailboxRunEntity } from './mailbox-run.entity';
import { MappingEntity } from './mapping.entity';
import { PassEntity } from './pass.entity';
import { ProjectEntity } from './project.entity';
import { TargetFolderEntity } from './target-folder.entity';

/** The schema of the migration service's tables: the service's name, as PersistenceModule names it. */
export const MIGRATION_SCHEMA = 'migration';

/** What the migration service's PersistenceModule needs: its entities and migrations (service name `migration`). */
export const MIGRATION_ENTITIES = [
  ProjectEntity,
  MappingEntity,
  PassEntity,
  MailboxRunEntity,
  BatchResultEntity,
  ItemFailureEntity,
  ItemRefEntity,
  TargetFolderEntity,
];
export const MIGRATION_MIGRATIONS = [CreateMigrationTables1734400000001, IndexItemFailuresBySource1736100000001];
