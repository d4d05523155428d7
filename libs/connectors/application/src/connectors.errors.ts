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

/** Why an onboarding callback was refused; each reason is audited, the caller sees only a fixed message. */
export type OnboardingRefusal =
  | 'invalid-callback'
  | 'unknown-state'
  | 'expired-or-used'
  | 'wrong-flow'
  | 'declined'
  | 'account-mismatch'
  | 'tenant-held-elsewhere'
  | 'connector-changed'
  | 'no-refresh-token'
  | 'other-browser'
  | 'tenant-mismatch'
  | 'not-an-admin';

const REFUSAL_MESSAGES: Record<OnboardingRefusal, string> = {
  'invalid-callback': 'the answer from the provider is incomplete',
  // Unknown, replayed, expired and misdirected links look alike to the browser: no oracle for states.
  'unknown-state': 'the link is unknown, already used or expired; start again from Ferry',
  'expired-or-used': 'the link is unknown, already used or expired; start again from Ferry',
  'wrong-flow': 'the link is unknown, already used or expired; start again from Ferry',
  declined: 'access was not granted',
  'account-mismatch': 'the grant was made with another account than the one the link was made for',
  'tenant-held-elsewhere': 'this tenant cannot be connected here; ask your Ferry operator',
  'connector-changed': 'the connector changed or was deleted while the link was open; start again from Ferry',
  'no-refresh-token': 'the provider granted no offline access; start again and accept every permission',
  'other-browser': 'the grant must be completed in the browser that started it; start again from Ferry',
  'tenant-mismatch': 'the sign-in was made in another tenant than the one that consented; start again from Ferry',
  'not-an-admin': 'the consent must be confirmed by an administrator who can grant it for the tenant; start again from Ferry',
};

/** An admin-consent or delegated-grant callback was refused (the state was spent all the same). */
export class OnboardingRefusedError extends Error {
  constructor(
    readonly reason: OnboardingRefusal,
    /** Machine codes for the audit record (a vendor's error code), never free text. */
    readonly detail: Readonly<Record<string, string>> = {},
  ) {
    super(REFUSAL_MESSAGES[reason]);
    this.name = 'OnboardingRefusedError';
  }
}
