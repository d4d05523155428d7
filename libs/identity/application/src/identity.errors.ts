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

/** What an AuditUnavailableError tells the caller about its request. */
export const AUDIT_UNAVAILABLE = {
  /** A configuration change rolled back because its record was not stored. */
  changeNotApplied: 'the change was not applied',
  /** Anything else: the effect was withheld (a sign-in), or it stands without its record (ending access). */
  requestNotCompleted: 'the request was not completed',
} as const;

/**
 * Maps to UNAVAILABLE: a security event could not be audited, so its effect was withheld or rolled back,
 * or (ending access, a counted failure) it stands and the caller learns its record is missing.
 */
export class AuditUnavailableError extends Error {
  constructor(
    consequence: (typeof AUDIT_UNAVAILABLE)[keyof typeof AUDIT_UNAVAILABLE] = AUDIT_UNAVAILABLE.requestNotCompleted,
  ) {
    super(`the audit trail is unavailable; ${consequence}`);
    this.name = 'AuditUnavailableError';
  }
}
