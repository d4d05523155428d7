/** What the control plane's adapters need from the migration service's configuration. */
export interface MigrationControlOptions {
  /** The data region, for the audit subject. */
  readonly region: string;
}

export const MIGRATION_CONTROL_OPTIONS = Symbol('MigrationControlOptions');
