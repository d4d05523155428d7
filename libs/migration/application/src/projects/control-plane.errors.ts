/** One refused field (or CSV line) and why; never the value. */
export interface Violation {
  readonly field: string;
  readonly reason: string;
}

/** A command was built from invalid input (or a mapping CSV has bad rows): nothing was changed. */
export class InvalidControlCommandError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`invalid request: ${violations.length} violation(s)`);
    this.name = 'InvalidControlCommandError';
  }
}

/** The project, pass or mapping does not exist in the caller's organisation (another organisation's neither). */
export class MigrationNotFoundError extends Error {
  constructor(what: 'project' | 'pass' | 'mapping') {
    super(`${what} not found`);
    this.name = 'MigrationNotFoundError';
  }
}

/** The change conflicts with the current state (a pass runs, the pass is not paused, ...). */
export class MigrationStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationStateError';
  }
}

/** The change could not be audited and was therefore not applied. */
export class MigrationAuditUnavailableError extends Error {
  constructor() {
    super('the audit trail is unavailable; the change was not applied');
    this.name = 'MigrationAuditUnavailableError';
  }
}

/** The pass's work could not be queued; the pass was marked failed (start a new one later). */
export class WorkQueueUnavailableError extends Error {
  constructor() {
    super("the pass's work could not be queued; the pass was marked failed, start it again later");
    this.name = 'WorkQueueUnavailableError';
  }
}
