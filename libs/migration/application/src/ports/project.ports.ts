import type { MailSystem } from '@ferry/migration/domain';
import type { DeletionPolicy, ExtraLabelPolicy, PassKind, PassStatus } from './run.ports';

/** A migration project: one source connector, one target connector, the workloads to carry. */
export interface Project {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly sourceConnectorId: string;
  readonly targetConnectorId: string;
  readonly source: MailSystem;
  readonly target: MailSystem;
  /** Only `mail` in this release; files, calendars and contacts follow. */
  readonly workloads: readonly 'mail'[];
  readonly deletionPolicy: DeletionPolicy;
  readonly extraLabels: ExtraLabelPolicy;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Optimistic concurrency. */
  readonly version: number;
}

/** One row of the user mapping: which source mailbox goes to which target mailbox. */
export interface Mapping {
  readonly id: string;
  readonly projectId: string;
  readonly orgId: string;
  readonly sourceAddress: string;
  readonly targetAddress: string;
  /** When this mailbox's last pass (of any kind) finished; the cut-over record. */
  readonly lastPassFinishedAt: Date | null;
  readonly lastPassId: string | null;
}

/** A pass over every mapping of a project. */
export interface Pass {
  readonly id: string;
  readonly projectId: string;
  readonly orgId: string;
  readonly kind: PassKind;
  readonly status: PassStatus;
  /** The cut-over pass: the last delta before users switch. */
  readonly final: boolean;
  /** For a scheduled pass: when it starts. */
  readonly scheduledFor: Date | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** Where one mailbox of a pass stands. Counts add up: found = migrated + skipped + failed once done. */
export interface MappingProgress {
  readonly mappingId: string;
  readonly status: 'pending' | 'planning' | 'running' | 'done' | 'failed';
  readonly found: number;
  readonly migrated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly bytesFound: number;
  readonly bytesDone: number;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** A failed item as a report lists it. */
export interface FailureRow {
  readonly mappingId: string;
  readonly sourceId: string;
  readonly reason: string;
  readonly detail: string;
  readonly at: Date;
}

/** Work to finish before a change commits (its audit record): if it throws, the change rolls back. */
export type BeforeCommit = () => Promise<void>;

/** Projects, mappings and passes in SQL; every method is scoped by organisation. */
export interface ProjectRepository {
  insert(project: Project, beforeCommit: BeforeCommit): Promise<void>;
  get(orgId: string, id: string): Promise<Project | null>;
  list(orgId: string): Promise<Project[]>;
  /** Deletes the project with its mappings, passes, progress and references; false when absent. */
  delete(orgId: string, id: string, beforeCommit: BeforeCommit): Promise<boolean>;
  /** Replaces the project's mapping (rows keep their id when the source address is unchanged). Refused (false) while a pass runs. */
  replaceMappings(orgId: string, projectId: string, rows: readonly { sourceAddress: string; targetAddress: string }[], beforeCommit: BeforeCommit): Promise<boolean>;
  mappings(orgId: string, projectId: string): Promise<Mapping[]>;
  /**
   * Creates the pass and one pending progress row per mapping; false (nothing written) when the
   * project already has a scheduled, running or paused pass.
   */
  insertPass(pass: Pass, mappingIds: readonly string[], beforeCommit: BeforeCommit): Promise<boolean>;
  passes(orgId: string, projectId: string): Promise<Pass[]>;
  pass(orgId: string, passId: string): Promise<Pass | null>;
  /** Moves a pass from one of `from` to `to` (compare-and-set); false when it was in another state. */
  setPassStatus(orgId: string, passId: string, from: readonly PassStatus[], to: PassStatus, beforeCommit: BeforeCommit): Promise<boolean>;
  /** Scheduled passes whose time has come (any organisation), for the planner's scheduler. */
  duePasses(now: Date, limit: number): Promise<Pass[]>;
  progress(orgId: string, passId: string): Promise<MappingProgress[]>;
  failures(orgId: string, passId: string, limit: number, offset: number): Promise<FailureRow[]>;
}

/** Publishes work items and opens/closes a project's share of the work queue (infra: JetStream). */
export interface WorkQueue {
  /** Makes sure workers will take this project's items (creates its durable consumer; idempotent). */
  open(orgId: string, projectId: string): Promise<void>;
  /** Publishes a plan item for one mapping of a pass (deduplicated by pass and mapping). */
  plan(orgId: string, projectId: string, passId: string, mappingId: string): Promise<void>;
  /** Drops every queued item of the project (a cancelled pass); in-flight items finish and are ignored. */
  purge(orgId: string, projectId: string): Promise<void>;
}
