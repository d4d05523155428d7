/** One refused input field and why; never echoes the value. */
export interface Violation {
  readonly field: string;
  readonly reason: string;
}

/** Maps to UNAUTHENTICATED. One message for unknown account, wrong password or code, disabled or expired: nothing to enumerate. */
export class InvalidCredentialsError extends Error {
  constructor() {
    super('the credentials were not accepted');
    this.name = 'InvalidCredentialsError';
  }
}

/** Maps to RESOURCE_EXHAUSTED with retry-after. Raised before any password is hashed. */
export class ThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many attempts; retry after ${retryAfterSeconds} s`);
    this.name = 'ThrottledError';
  }
}

/** Maps to INVALID_ARGUMENT; carries per-field reasons. */
export class InvalidCommandError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`invalid request: ${violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`);
    this.name = 'InvalidCommandError';
  }
}

/** Maps to NOT_FOUND; also what another organisation's object looks like. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** Maps to UNAVAILABLE: a security event could not be audited, so its effect was withheld or undone. */
export class AuditUnavailableError extends Error {
  constructor() {
    super('the audit trail is unavailable; the request was not completed');
    this.name = 'AuditUnavailableError';
  }
}
