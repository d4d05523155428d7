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
  /** The effect was withheld (a sign-in) or the attempt refused (a counted failure). */
  requestNotCompleted: 'the request was not completed',
  /** One session was ended (a sign-out, a reused refresh token) and stays ended; only its record is missing. */
  sessionEnded: 'the session was ended, but its audit record could not be stored',
  /** An admin ended an account's sessions; they stay ended, and their records are (some or all) missing. */
  sessionsEnded: "the account's sessions were ended, but their audit records could not all be stored",
} as const;

/** One of the {@link AUDIT_UNAVAILABLE} sentences. */
export type AuditUnavailableConsequence = (typeof AUDIT_UNAVAILABLE)[keyof typeof AUDIT_UNAVAILABLE];

/**
 * Maps to UNAVAILABLE: a security event could not be audited, so its effect was withheld or rolled back,
 * or (ending access, a counted failure) it stands and the caller learns its record is missing. The
 * message says which: `the audit trail is unavailable; <consequence>`.
 */
export class AuditUnavailableError extends Error {
  constructor(consequence: AuditUnavailableConsequence = AUDIT_UNAVAILABLE.requestNotCompleted) {
    super(`the audit trail is unavailable; ${consequence}`);
    this.name = 'AuditUnavailableError';
  }
}
