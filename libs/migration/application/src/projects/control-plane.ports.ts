import type { MailSystem } from '@ferry/migration/domain';
import type { ControlCaller } from './caller';

/** What the control plane needs to know about a connector a project names. */
export interface ConnectorInfo {
  readonly id: string;
  /** The system it reaches; null for a kind that carries no mail. */
  readonly system: MailSystem | null;
  readonly workloads: readonly string[];
  /** `credentials-removed` connectors issue nothing: a project cannot use them. */
  readonly usable: boolean;
}

/**
 * The connectors service, asked on behalf of the caller (its token is forwarded, so the connectors
 * service applies its own permission check and organisation scope).
 */
export interface ConnectorDirectory {
  /** The connector, or null when the organisation has none with that id. */
  connector(orgId: string, connectorId: string, caller: ControlCaller): Promise<ConnectorInfo | null>;
}

/** What a control-plane audit record names: ids only, never an address. */
export type MigrationAuditTarget = { readonly type: 'project' | 'pass'; readonly id: string };

export type MigrationAuditAction =
  | 'migration.project.created'
  | 'migration.project.deleted'
  | 'migration.mappings.imported'
  | 'migration.pass.started'
  | 'migration.pass.scheduled'
  | 'migration.pass.paused'
  | 'migration.pass.resumed'
  | 'migration.pass.cancelled'
  | 'migration.pass.failed';

/** One audit record of a project, mapping or pass change. */
export interface MigrationAuditEntry {
  readonly orgId: string;
  readonly actor: { readonly kind: 'account' | 'service'; readonly id: string };
  readonly action: MigrationAuditAction;
  readonly target: MigrationAuditTarget;
  readonly sourceAddress: string;
  readonly userAgent: string;
  /** Ids, kinds and counts only. */
  readonly detail: Readonly<Record<string, string>>;
}

/** Publishes audit records durably; resolves only once the audit stream stored the record. */
export interface MigrationAuditTrail {
  record(entry: MigrationAuditEntry): Promise<void>;
}

/** The time, injectable so schedules and rates can be tested. */
export interface ControlClock {
  now(): Date;
}

export const PROJECT_REPOSITORY = Symbol('ProjectRepository');
export const WORK_QUEUE = Symbol('WorkQueue');
export const CONNECTOR_DIRECTORY = Symbol('ConnectorDirectory');
export const MIGRATION_AUDIT_TRAIL = Symbol('MigrationAuditTrail');
export const CONTROL_CLOCK = Symbol('ControlClock');
