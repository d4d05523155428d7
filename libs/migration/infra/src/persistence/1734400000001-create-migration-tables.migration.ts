import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  type TableColumnOptions,
  type TableForeignKeyOptions,
  type TableOptions,
} from 'typeorm';

const PASS_STATUSES = "'running','paused','cancelled','completed','failed','scheduled'";
const RUN_STATUSES = "'pending','planning','running','done','failed'";

/** Tables in creation order; dropped in reverse. */
const TABLES = [
  'projects',
  'mappings',
  'passes',
  'mailbox_runs',
  'batch_results',
  'item_failures',
  'item_refs',
  'target_folders',
] as const;

/**
 * Creates the migration service's tables: projects, their user mappings and passes, each mailbox's
 * run per pass with its recorded batches and failed items, and the reference store (item_refs,
 * target_folders), which holds ids, stamps, hashes and dates only.
 *
 * Foreign keys have no cascades: SQL Server refuses more than one cascade path to a table (runs hang
 * off both passes and mappings), so the repositories delete children first, in one transaction.
 * Children reference their parent through columns that lead one of their own indexes, so a parent's
 * delete checks them without scanning.
 */
export class CreateMigrationTables1734400000001 implements MigrationInterface {
  name = 'CreateMigrationTables1734400000001';

  async up(q: QueryRunner): Promise<void> {
    const schema = schemaOf(q);
    const mssql = q.connection.options.type === 'mssql';
    const t = {
      timestamp: mssql ? 'datetimeoffset' : 'timestamp with time zone',
      boolean: mssql ? 'bit' : 'boolean',
      longText: mssql ? 'nvarchar(max)' : 'text',
      // Text people wrote (names, addresses, Ferry's failure detail): Unicode on SQL Server.
      unicode: mssql ? 'nvarchar' : 'varchar',
      // Provider ids compare byte-wise: ids differing only in case (Graph ids are base64) stay distinct
      // on SQL Server's case-insensitive default collation, and keyset paging orders them alike on both.
      binaryCollation: mssql ? 'Latin1_General_100_BIN2' : 'C',
    };
    const id = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: '36',
      ...extra,
    });
    const time = (name: string, isNullable = false): TableColumnOptions => ({
      name,
      type: t.timestamp,
      isNullable,
    });
    const count = (name: string, type: 'int' | 'bigint' = 'int'): TableColumnOptions => ({ name, type });
    const fk = (
      name: string,
      columnNames: string[],
      table: string,
      referencedColumnNames: string[],
    ): TableForeignKeyOptions => ({
      name,
      columnNames,
      referencedTableName: `${schema}.${table}`,
      referencedColumnNames,
    });
    // Primary keys get names of our own (pk_<table>) rather than TypeORM's hashes, the same on both servers.
    const create = (name: string, options: Omit<TableOptions, 'name'>) =>
      q.createTable(
        new Table({
          name: `${schema}.${name}`,
          ...options,
          columns: options.columns?.map((c) =>
            c.isPrimary ? { ...c, primaryKeyConstraintName: `pk_${name}` } : c,
          ),
        }),
        false,
        true,
        true,
      );

    await create('projects', {
      columns: [
        id('id', { isPrimary: true }),
        id('org_id'),
        { name: 'name', type: t.unicode, length: '400' },
        id('source_connector_id'),
        id('target_connector_id'),
        { name: 'source_system', type: 'varchar', length: '16' },
        { name: 'target_system', type: 'varchar', length: '16' },
        { name: 'workloads', type: 'varchar', length: '200' },
        { name: 'deletion_policy', type: 'varchar', length: '16' },
        { name: 'extra_labels', type: 'varchar', length: '16' },
        count('version'),
        time('created_at'),
        time('updated_at'),
      ],
      // What children's (project_id, org_id) foreign keys refer to: a child's organisation is its project's.
      uniques: [{ name: 'uq_projects_org', columnNames: ['id', 'org_id'] }],
      indices: [{ name: 'ix_projects_org', columnNames: ['org_id', 'created_at'] }],
    });
    await create('mappings', {
      columns: [
        id('id', { isPrimary: true }),
        id('org_id'),
        id('project_id'),
        { name: 'source_address', type: t.unicode, length: '320' },
        { name: 'target_address', type: t.unicode, length: '320' },
        { name: 'feed_cursor', type: t.longText, isNullable: true },
        id('last_pass_id', { isNullable: true }),
        time('last_pass_finished_at', true),
      ],
      indices: [
        { name: 'uq_mappings_source', columnNames: ['project_id', 'source_address'], isUnique: true },
        // What item_refs' (project_id, mapping_id) foreign key refers to.
        { name: 'uq_mappings_project', columnNames: ['project_id', 'id'], isUnique: true },
      ],
      foreignKeys: [fk('fk_mappings_project', ['project_id', 'org_id'], 'projects', ['id', 'org_id'])],
    });
    await create('passes', {
      columns: [
        id('id', { isPrimary: true }),
        id('org_id'),
        id('project_id'),
        { name: 'kind', type: 'varchar', length: '16' },
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'final', type: t.boolean },
        time('scheduled_for', true),
        count('open_runs'),
        time('created_at'),
        time('started_at', true),
        time('finished_at', true),
      ],
      checks: [
        { name: 'ck_passes_kind', expression: "kind IN ('full','delta')" },
        { name: 'ck_passes_status', expression: `status IN (${PASS_STATUSES})` },
      ],
      indices: [
        { name: 'ix_passes_project', columnNames: ['project_id', 'created_at'] },
        { name: 'ix_passes_due', columnNames: ['status', 'scheduled_for'] },
      ],
      foreignKeys: [fk('fk_passes_project', ['project_id', 'org_id'], 'projects', ['id', 'org_id'])],
    });
    await create('mailbox_runs', {
      columns: [
        id('pass_id', { isPrimary: true }),
        id('mapping_id', { isPrimary: true }),
        id('org_id'),
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'planned', type: t.boolean },
        count('batches_planned'),
        count('batches_recorded'),
        count('found', 'bigint'),
        count('skipped_at_plan', 'bigint'),
        count('bytes_found', 'bigint'),
        { name: 'pending_cursor', type: t.longText, isNullable: true },
        time('started_at', true),
        time('finished_at', true),
        { name: 'failure_reason', type: 'varchar', length: '32', isNullable: true },
        { name: 'failure_detail', type: t.unicode, length: '500', isNullable: true },
      ],
      checks: [{ name: 'ck_mailbox_runs_status', expression: `status IN (${RUN_STATUSES})` }],
      indices: [{ name: 'ix_mailbox_runs_mapping', columnNames: ['mapping_id'] }],
      foreignKeys: [
        fk('fk_mailbox_runs_pass', ['pass_id'], 'passes', ['id']),
        fk('fk_mailbox_runs_mapping', ['mapping_id'], 'mappings', ['id']),
      ],
    });
    await create('batch_results', {
      columns: [
        id('pass_id', { isPrimary: true }),
        id('mapping_id', { isPrimary: true }),
        { name: 'batch_id', type: 'varchar', length: '200', isPrimary: true },
        id('org_id'),
        count('migrated'),
        count('skipped'),
        count('failed'),
        count('bytes', 'bigint'),
        time('recorded_at'),
      ],
      foreignKeys: [
        fk('fk_batch_results_run', ['pass_id', 'mapping_id'], 'mailbox_runs', ['pass_id', 'mapping_id']),
      ],
    });
    await create('item_failures', {
      columns: [
        id('pass_id', { isPrimary: true }),
        id('mapping_id', { isPrimary: true }),
        { name: 'batch_id', type: 'varchar', length: '200', isPrimary: true },
        { name: 'source_id', type: 'varchar', length: '400', isPrimary: true, collation: t.binaryCollation },
        id('org_id'),
        { name: 'reason', type: 'varchar', length: '32' },
        { name: 'detail', type: t.unicode, length: '500' },
        time('at'),
      ],
      indices: [{ name: 'ix_item_failures_report', columnNames: ['pass_id', 'at'] }],
      foreignKeys: [
        fk('fk_item_failures_batch', ['pass_id', 'mapping_id', 'batch_id'], 'batch_results', [
          'pass_id',
          'mapping_id',
          'batch_id',
        ]),
      ],
    });
    await create('item_refs', {
      columns: [
        id('project_id', { isPrimary: true }),
        id('mapping_id', { isPrimary: true }),
        { name: 'source_id', type: 'varchar', length: '400', isPrimary: true, collation: t.binaryCollation },
        { name: 'target_id', type: 'varchar', length: '400' },
        { name: 'folder_id', type: 'varchar', length: '400' },
        { name: 'change_stamp', type: 'varchar', length: '200' },
        { name: 'content_hash', type: 'char', length: '64', isNullable: true },
        time('received_at'),
      ],
      foreignKeys: [
        fk('fk_item_refs_mapping', ['project_id', 'mapping_id'], 'mappings', ['project_id', 'id']),
      ],
    });
    await create('target_folders', {
      columns: [
        id('mapping_id', { isPrimary: true }),
        { name: 'path_key', type: 'char', length: '64', isPrimary: true },
        { name: 'target_folder_id', type: 'varchar', length: '400' },
      ],
      foreignKeys: [fk('fk_target_folders_mapping', ['mapping_id'], 'mappings', ['id'])],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = schemaOf(q);
    for (const table of [...TABLES].reverse()) await q.dropTable(`${schema}.${table}`, true, true, true);
  }
}

/** The schema a migration writes into: the connection's, else the service's (MIGRATION_SCHEMA). */
function schemaOf(q: QueryRunner): string {
  return (q.connection.options as { schema?: string }).schema ?? 'migration';
}
