import type { Violation } from '@ferry/connectors/domain';

/** Raised when a command is built from invalid input; carries per-field reasons, never values. */
export class InvalidCommandError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`invalid request: ${violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`);
    this.name = 'InvalidCommandError';
  }
}

/** The connector does not exist in the caller's organisation (another organisation's is "not found" too). */
export class ConnectorNotFoundError extends Error {
  constructor() {
    super('connector not found');
    this.name = 'ConnectorNotFoundError';
  }
}

/** The change (or handover) could not be audited and was therefore not applied. */
export class AuditUnavailableError extends Error {
  constructor(message = 'the audit trail is unavailable; the change was not applied') {
    super(message);
    this.name = 'AuditUnavailableError';
  }
}

/** The connector's state does not allow it (pending consent, credentials removed, changed meanwhile). */
export class ConnectorStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorStateError';
  }
}

/** The calling service did not prove who it is. */
export class ServiceNotAuthenticatedError extends Error {
  constructor(reason: string) {
    super(`service not authenticated: ${reason}`);
    this.name = 'ServiceNotAuthenticatedError';
  }
}

/** The calling service may not have what it asked for. */
export class BrokerDeniedError extends Error {
  constructor(readonly reason: string) {
    super(`refused: ${reason}`);
    this.name = 'BrokerDeniedError';
  }
}
